import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import type { DynamoDBCallPolicy } from './callDynamoDB.js';
import type { ResolvedDynamoDBCheckpointerOptions } from './resolveDynamoDBCheckpointerOptions.js';
import { ensureLeaseTable } from './ensureLeaseTable.js';
import { KCL } from './kclLeaseItem.js';
import type { DynamoDBModule } from './loadDynamoDB.js';
import { SharedTableWait } from './SharedTableWait.js';
import type { TableIdentities } from './TableIdentities.js';
import { WORKER_ID, workersTableOf } from './WorkerRegistry.js';

/**
 * The lease table of each stream and the workers table beside it, each created (or checked)
 * once. A `tableName` function is called once per stream; a single table (a `tableName`
 * string) holds the first stream used only.
 */
export class LeaseTables {
  private readonly workerTables = new Map<string, SharedTableWait<string>>();
  /** The table of each stream, resolved once (a `tableName` function is called once per stream). */
  private readonly tableNames = new Map<string, string>();
  private readonly tables = new Map<string, SharedTableWait<string>>();
  private boundStream: string | undefined;

  constructor(
    private readonly sdk: DynamoDBModule,
    private readonly policy: DynamoDBCallPolicy,
    private readonly options: ResolvedDynamoDBCheckpointerOptions,
    /** Aborted by close(): a wait for a table to become ACTIVE ends then. */
    private readonly closing: AbortSignal,
    /** Where each lease table's creation time is remembered when first found ACTIVE. */
    private readonly identities: TableIdentities,
  ) {}

  /**
   * The workers table beside a stream's lease table, created (or checked) once, at the same time
   * as the lease table (creating a table takes DynamoDB 10–20 s: a first start waits for both at
   * once, not one after the other). Once both are settled, fails as the lease table did, else as
   * the workers table did. A `signal` ends this call's wait when aborted (see SharedTableWait).
   */
  async workersTable(streamName: string, signal?: AbortSignal): Promise<string> {
    const leaseTable = this.tableNameOf(streamName);
    const leaseReady = this.ensured(leaseTable, streamName, signal);
    const name = workersTableOf(leaseTable);
    const ready = this.shared(this.workerTables, name, (waitSignal) =>
      ensureLeaseTable(
        this.sdk,
        this.policy,
        name,
        streamName,
        this.options.createTable,
        this.options.now,
        WORKER_ID,
        waitSignal,
      ).then(() => name),
    ).join(signal);
    const [lease, workers] = await Promise.allSettled([leaseReady, ready]);
    if (lease.status === 'rejected') throw lease.reason;
    if (workers.status === 'rejected') throw workers.reason;
    return name;
  }

  /**
   * The table of a stream, created (or checked) once; throws InvalidOptionError off its stream
   * (a table given by name in single-stream mode, a stream identifier naming another stream).
   */
  leaseTable(streamName: string): Promise<string> {
    return this.ensured(this.tableNameOf(streamName), streamName);
  }

  /**
   * The name of a stream's lease table, resolved once; throws InvalidOptionError off its stream
   * (see leaseTable).
   */
  private tableNameOf(streamName: string): string {
    this.options.keyingFor(streamName);
    if (this.options.singleTable) {
      this.boundStream ??= streamName;
      if (this.boundStream !== streamName)
        throw new InvalidOptionError(
          'streamName',
          streamName,
          `this checkpointer's table (tableName "${this.options.tableFor(streamName)}") holds stream "${this.boundStream}" only; ` +
            'pass tableName as a function of the stream name to use several streams',
        );
    }
    let tableName = this.tableNames.get(streamName);
    if (tableName === undefined) {
      tableName = this.options.tableFor(streamName);
      this.tableNames.set(streamName, tableName);
    }
    return tableName;
  }

  /** A lease table, created (or checked) once. */
  private ensured(tableName: string, streamName: string, signal?: AbortSignal): Promise<string> {
    return this.shared(this.tables, tableName, (waitSignal) =>
      ensureLeaseTable(
        this.sdk,
        this.policy,
        tableName,
        streamName,
        this.options.createTable,
        this.options.now,
        KCL.leaseKey,
        waitSignal,
      ).then((createdAt) => {
        this.identities.remember(tableName, createdAt);
        return tableName;
      }),
    ).join(signal);
  }

  /** The wait for a table under way (or settled well), else a new one, forgotten if it fails. */
  private shared(
    waits: Map<string, SharedTableWait<string>>,
    tableName: string,
    start: (signal: AbortSignal) => Promise<string>,
  ): SharedTableWait<string> {
    let wait = waits.get(tableName);
    if (wait === undefined || !wait.usable) {
      const created = new SharedTableWait(start, this.closing);
      waits.set(tableName, created);
      created.result.catch(() => {
        if (waits.get(tableName) === created) waits.delete(tableName);
      });
      wait = created;
    }
    return wait;
  }
}
