import type { _Record } from '@aws-sdk/client-kinesis';
import type { SchedulerLike, Subscriber, Subscription } from 'rxjs';
import type { Processor } from '../processors/Processor.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { CheckpointSink } from './ConsumerLink.js';
import type { InFlightGate } from './InFlightGate.js';
import { CONSUMER_CONTEXT, type ConsumerContext, type KinesisRecord } from './KinesisRecord.js';
import { PipelineDeparture } from './PipelineDeparture.js';
import { RECORD_HANDLE } from './RecordTracking.js';
import type { ShardReading } from './ShardReading.js';
import type { RecordsPage } from './ShardReader.js';
import { SubscriberLedger } from './SubscriberLedger.js';
import { schedulerTimer } from './schedulerTimer.js';

/**
 * The subscribers of one consumer run and how records reach them. In a tracked consumer every
 * direct subscriber has a ledger, each record is tracked for every ledger before it is emitted,
 * and each subscriber gets its own record object carrying its handle (one subscriber: the record
 * itself). In an untracked one a record is finished when `next` returns. Taps (observe()) get
 * every record, hold nothing and start nothing.
 */
export class RecordFanOut {
  private readonly ledgers = new Map<number, SubscriberLedger>();
  private readonly plain = new Set<Subscriber<KinesisRecord>>();
  private readonly context: ConsumerContext;
  private nextId = 1;
  /** Changes whenever a ledger is added or removed. */
  private version = 0;
  /** Readings that resume inside an aggregated record: the record, and the items done in it. */
  readonly resumeAt = new WeakMap<ShardReading, { readonly sequenceNumber: string; readonly sub: number }>();
  /** A subscriber-behind episode is under way (until the budget is half empty again). */
  private behind = false;
  /** Claims of subscribers that left while others stayed, given up on the scheduler's next turn. */
  private readonly leaving = new Set<Subscription>();
  /** The last subscriber left while its pipeline's checkpoint()s were still open: they finish first. */
  private departure: PipelineDeparture | undefined;

  constructor(
    readonly tracked: boolean,
    private readonly streamName: string,
    processor: Processor<unknown>,
    private readonly gate: InFlightGate,
    private readonly scheduler: SchedulerLike,
    private readonly tap: (record: KinesisRecord) => void,
    /** Makes every current reading distrust its positions (a subscriber's checkpoint() found them unsafe). */
    private readonly distrustReadings: () => void = () => undefined,
    /** Longest wait for the last subscriber's pipeline to pass the records it took (see PipelineDeparture). */
    private readonly departureLimitMs: number = 60_000,
  ) {
    this.context = { processor, scheduler };
  }

  get size(): number {
    return this.ledgers.size + this.plain.size;
  }

  get ledgerIds(): number[] {
    return [...this.ledgers.keys()];
  }

  /** Adds a direct subscriber; returns the ledger id (0 when untracked). */
  add(subscriber: Subscriber<KinesisRecord>, sink: CheckpointSink | undefined): number {
    if (!this.tracked) {
      this.plain.add(subscriber);
      return 0;
    }
    const id = this.nextId++;
    this.version += 1;
    this.ledgers.set(id, new SubscriberLedger(id, subscriber, this.scheduler, sink, this.distrustReadings));
    return id;
  }

  /** Removes a direct subscriber; true if it was the last one. */
  remove(subscriber: Subscriber<KinesisRecord>, ledgerId: number, readings: Iterable<ShardReading>): boolean {
    if (ledgerId === 0) {
      if (!this.plain.delete(subscriber)) return false;
    } else {
      const ledger = this.ledgers.get(ledgerId);
      if (ledger === undefined) return false;
      this.ledgers.delete(ledgerId);
      this.version += 1;
      if (this.ledgers.size === 0) {
        // The last one: nothing it (or one that left just before it) had not finished is committed.
        this.cancelLeaving();
        const held = [...readings];
        const end = (): void => {
          ledger.close();
          for (const reading of held) reading.removeLedger(ledgerId, true);
        };
        if (ledger.hasSinks) {
          // Its pipeline may still be at work on records it took (see PipelineDeparture): the
          // consumer's stop waits for them (departed()).
          const departure = new PipelineDeparture(
            ledger,
            held,
            () => {
              if (this.departure === departure) this.departure = undefined;
              end();
            },
            {
              ms: this.departureLimitMs,
              timer: schedulerTimer(this.scheduler),
            },
          );
          this.departure = departure;
          departure.start();
        } else {
          end();
        }
      } else {
        ledger.close();
        // Others stay: its unfinished records are committed on their word (a reading holding
        // records none of them received reads them again instead: see removeLedger), but only
        // from the next turn on. Subscribers unsubscribed one after another in one go (a
        // shutdown, a merge() of direct subscriptions) all leave first, and the last one's
        // leaving then commits nothing any of them had not finished.
        const held = [...readings];
        const action = this.scheduler.schedule(() => {
          this.leaving.delete(action);
          for (const reading of held) reading.removeLedger(ledgerId, false, (id) => this.ledgers.has(id));
        });
        this.leaving.add(action);
      }
    }
    return this.size === 0;
  }

  /** Resolves once the pipeline of the last subscriber that left has finished (at once if none). */
  departed(): Promise<void> {
    return this.departure?.done ?? Promise.resolve();
  }

  /** Stops waiting for the last subscriber's pipeline: what it has not passed is not committed. */
  endDeparture(): void {
    this.departure?.end();
  }

  private cancelLeaving(): void {
    for (const action of this.leaving) action.unsubscribe();
    this.leaving.clear();
  }

  /** Errors every direct subscriber (they are forgotten first). */
  error(error: unknown): void {
    const subscribers = [...this.plain, ...[...this.ledgers.values()].map((ledger) => ledger.subscriber)];
    for (const ledger of this.ledgers.values()) ledger.close();
    this.cancelLeaving();
    this.endDeparture();
    this.plain.clear();
    this.ledgers.clear();
    this.version += 1;
    for (const subscriber of subscribers) subscriber.error(error);
  }

  /** Emits a page of a reading's records, in order, while the reading is still reading. */
  emit(reading: ShardReading, records: readonly _Record[], page: RecordsPage): void {
    let ledgers = [...this.ledgers.values()];
    let ids = ledgers.map((ledger) => ledger.id);
    let version = this.version;
    for (let i = 0; i < records.length; i += 1) {
      const raw = records[i] as _Record;
      const bytes = raw.Data?.byteLength ?? 0;
      if (reading.state !== 'reading' || this.size === 0) {
        if (this.size === 0) reading.abandon();
        let rest = 0;
        for (let j = i; j < records.length; j += 1) rest += records[j]?.Data?.byteLength ?? 0;
        this.gate.release(records.length - i, records.length - i, rest);
        return;
      }
      const record = this.toRecord(reading, raw, page);
      if (this.tracked) {
        if (version !== this.version) {
          ledgers = [...this.ledgers.values()];
          ids = ledgers.map((ledger) => ledger.id);
          version = this.version;
        }
        reading.progress.add(record.sequenceNumber, ids, bytes);
        if (ledgers.length === 1) {
          const ledger = ledgers[0] as SubscriberLedger;
          (record as { [RECORD_HANDLE]?: unknown })[RECORD_HANDLE] = {
            reading,
            ledger,
            claimedBy: undefined,
            alsoClaimedBy: undefined,
            splitInto: undefined,
          };
          ledger.subscriber.next(record);
        } else {
          for (const ledger of ledgers)
            ledger.subscriber.next({
              ...record,
              [RECORD_HANDLE]: {
                reading,
                ledger,
                claimedBy: undefined,
                alsoClaimedBy: undefined,
                splitInto: undefined,
              },
            });
        }
      } else {
        for (const subscriber of this.plain) subscriber.next(record);
        this.gate.release(1, 1, bytes);
      }
      this.tap(record);
    }
  }

  /** The budget is full: names the subscriber holding the most records, once per episode. */
  reportBehind(readings: Iterable<ShardReading>, onEvent: (event: ConsumerEvent) => void): void {
    // Full of the slots reserved by calls under way (polling shards), subscribers holding at most
    // half: no subscriber is behind.
    if (this.behind || this.gate.heldHalfEmpty) return;
    let slowest: { id: number; records: number } | undefined;
    const all = [...readings];
    for (const id of this.ledgers.keys()) {
      let records = 0;
      for (const reading of all) records += reading.progress.pendingFor(id);
      if (records > 0 && (slowest === undefined || records > slowest.records)) slowest = { id, records };
    }
    if (slowest === undefined) return;
    this.behind = true;
    // Until the budget is half empty again: a reading that resumes as soon as one record settled
    // (enhanced fan-out) fills it again at once, and that is the same episode.
    const ended = (): void => {
      if (this.gate.halfEmpty) this.behind = false;
      else this.gate.whenRoom(ended);
    };
    this.gate.whenRoom(ended);
    const { gate } = this;
    onEvent({
      type: 'subscriber-behind',
      subscriberId: slowest.id,
      records: slowest.records,
      inFlight: gate.inFlight,
      inFlightItems: gate.inFlightItems,
      inFlightBytes: gate.inFlightBytes,
    });
  }

  private toRecord(reading: ShardReading, raw: _Record, page: RecordsPage): KinesisRecord {
    const sequenceNumber = raw.SequenceNumber ?? '';
    const record: {
      -readonly [K in keyof KinesisRecord]: KinesisRecord[K];
    } = {
      streamName: this.streamName,
      shardId: reading.shardId,
      sequenceNumber,
      partitionKey: raw.PartitionKey ?? '',
      data: raw.Data ?? new Uint8Array(0),
      approximateArrivalTimestamp: raw.ApproximateArrivalTimestamp ?? new Date(0),
      abortSignal: reading.signal,
      [CONSUMER_CONTEXT]: this.context,
    };
    const explicitHashKey = (raw as { ExplicitHashKey?: string }).ExplicitHashKey;
    if (explicitHashKey !== undefined) record.explicitHashKey = explicitHashKey;
    if (page.millisBehindLatest !== undefined) record.millisBehindLatest = page.millisBehindLatest;
    const resume = this.resumeAt.get(reading);
    if (resume !== undefined) {
      // Only the first record of the reading can be the one it resumed inside.
      this.resumeAt.delete(reading);
      if (resume.sequenceNumber === sequenceNumber) record.resumeAfterSubSequenceNumber = resume.sub;
    }
    return record;
  }
}
