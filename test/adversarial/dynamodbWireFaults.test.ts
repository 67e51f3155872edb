// DynamoDB faults on the wire, between the checkpointer's own client and the test DynamoDB (a
// proxy, see test/support/dynamodbFaultProxy.ts): throttled and 5xx answers, answers the SDK cannot read after
// the table applied the write, an endpoint that stops answering while the lease runs out, and
// workers racing for one lease. The lease stays safe (one owner; a write that lands late never
// regresses the next owner's checkpoint), every
// error is typed and retried where retriable, every call has a deadline, and no message or log
// line names a secret.
import type { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { DynamoDBCheckpointerOptions } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointerOptions.js';
import { DynamoDBRequestError } from '../../src/checkpointers/dynamodb/errors/DynamoDBRequestError.js';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import { CaptureLogger } from '../support/captureLogger.js';
import { uniqueTableName } from '../support/dynamodb.js';
import { badGateway, throttled } from '../support/dynamodbFaultProxy.js';
import { useDynamoDBFaultProxy } from '../support/useDynamoDBFaultProxy.js';

const STREAM = 'orders';
const SHARD = 'shardId-000000000000';
const FAILOVER_MS = 10_000;
const SECRET = 'wire-faults-secret-key';
const SESSION_TOKEN = 'wire-faults-session-token';

/** Checkpointers through the proxy (or straight to the table), with credentials to keep secret. */
const fixture = useDynamoDBFaultProxy({
  credentials: { accessKeyId: 'AKIDWIREFAULTS', secretAccessKey: SECRET, sessionToken: SESSION_TOKEN },
  failoverTimeMs: FAILOVER_MS,
});
const { worker } = fixture;

async function held(checkpointer: DynamoDBCheckpointer, owner: string): Promise<Lease> {
  const lease = await checkpointer.acquireLease(STREAM, SHARD, owner);
  if (lease === undefined) throw new Error(`${owner} expected the lease`);
  return lease;
}

/** A new table whose lease worker-a holds, through the proxy, with `options`. */
async function heldByA(
  prefix: string,
  options: Partial<DynamoDBCheckpointerOptions> = {},
): Promise<{ tableName: string; a: DynamoDBCheckpointer; lease: Lease }> {
  const tableName = uniqueTableName(prefix);
  const a = worker(tableName, options);
  return { tableName, a, lease: await held(a, 'worker-a') };
}

const unreadable = (body: string) => ({ kind: 'applied-then-garbled', body }) as const;

describe('DynamoDB faults on the wire', () => {
  it('an answer the SDK cannot read after the write was applied is a lost answer: a checkpoint is stored and reported stored, a renewal renews, a take holds', async () => {
    const { tableName, a, lease } = await heldByA('unreadable');

    fixture.proxy.inject('UpdateItem', unreadable('{"Attributes": {"che'));
    await expect(a.checkpoint(lease, { sequenceNumber: '10' })).resolves.toBe(true);
    fixture.proxy.inject(
      'UpdateItem',
      unreadable('<html><body>Service Temporarily Unavailable</body></html>'),
    );
    const renewed = await a.renewLease(lease);
    expect(renewed).toMatchObject({ token: lease.token });
    // The lease goes on: the next write is conditioned on what the applied writes set.
    await expect(a.checkpoint(renewed, { sequenceNumber: '11' })).resolves.toBe(true);
    expect(await a.getCheckpoint(STREAM, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: '11' },
    });
    await a.releaseLease(renewed);

    // A take of the released lease whose answer cannot be read: the worker holds it at once.
    const b = worker(tableName);
    fixture.proxy.inject('UpdateItem', unreadable('not json'));
    const taken = await b.acquireLease(STREAM, SHARD, 'worker-b');
    expect(taken).toMatchObject({ owner: 'worker-b' });
    if (taken !== undefined) await expect(b.checkpoint(taken, { sequenceNumber: '12' })).resolves.toBe(true);
  });

  it('throttled and 502 answers are retried; a call that gives up fails typed and retriable; no message or log line names a secret', async () => {
    const logger = new CaptureLogger();
    const { a, lease } = await heldByA('throttled', { logger, maxAttempts: 3 });
    fixture.proxy.inject('UpdateItem', throttled, 2);
    await expect(a.checkpoint(lease, { sequenceNumber: '20' })).resolves.toBe(true);
    fixture.proxy.inject('UpdateItem', badGateway, 2);
    await expect(a.checkpoint(lease, { sequenceNumber: '21' })).resolves.toBe(true);
    // A gateway page echoing the request's headers (the session token among them), every attempt.
    fixture.proxy.inject('GetItem', { ...badGateway, body: `x-amz-security-token: ${SESSION_TOKEN}` }, 3);
    const error: unknown = await a.getCheckpoint(STREAM, SHARD).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DynamoDBRequestError);
    expect(error).toMatchObject({ retriable: true, attempts: 3, operation: 'GetItem' });
    expect(await a.getCheckpoint(STREAM, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: '21' },
    });
    const text = `${String(error)} ${logger.text()}`;
    expect(text).not.toContain(SECRET);
    expect(logger.lines.some((line) => line.message.includes('throttled'))).toBe(true);
  });

  it('an endpoint that stops answering: calls fail retriably by their deadline; the writes it held land after the lease was taken over and change nothing', async () => {
    const { tableName, a, lease } = await heldByA('silent', {
      requestTimeout: 300,
      maxAttempts: 2,
      callTimeout: 2_000,
    });
    await expect(a.checkpoint(lease, { sequenceNumber: '30' })).resolves.toBe(true);

    fixture.proxy.pause();
    const seenBefore = fixture.proxy.seen.get('UpdateItem') ?? 0;
    const error: unknown = await a.checkpoint(lease, { sequenceNumber: '31' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DynamoDBRequestError);
    expect(error).toMatchObject({ retriable: true, operation: 'UpdateItem' });

    // Another worker sees the lease stand still for a failover time and takes it over.
    let clock = 1_000_000;
    const b = worker(tableName, { now: () => clock }, true);
    await expect(b.acquireLease(STREAM, SHARD, 'worker-b')).resolves.toBeUndefined();
    clock += FAILOVER_MS + 1;
    const taken = await held(b, 'worker-b');
    await expect(b.checkpoint(taken, { sequenceNumber: '40' })).resolves.toBe(true);

    // The held attempts of worker-a's checkpoint reach the table now: their condition fails.
    fixture.proxy.resume();
    const deadline = Date.now() + 10_000;
    while ((fixture.proxy.seen.get('UpdateItem') ?? 0) < seenBefore + 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fixture.proxy.seen.get('UpdateItem')).toBe(seenBefore + 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await b.getCheckpoint(STREAM, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: '40' },
    });
    const snapshot = await b.listLeases(STREAM);
    expect(snapshot).toEqual([expect.objectContaining({ shardId: SHARD, owner: 'worker-b' })]);
    // worker-a's next write finds the lease gone.
    await expect(a.checkpoint(lease, { sequenceNumber: '32' })).rejects.toThrow(/lost/);
    expect(await b.getCheckpoint(STREAM, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: '40' },
    });
  });

  it('workers racing for a free lease, some of their writes throttled or unreadable: exactly one holds it, the others are refused', async () => {
    const tableName = uniqueTableName('race');
    const first = worker(tableName);
    await first.releaseLease(await held(first, 'worker-0'));
    const racers = Array.from({ length: 5 }, () => worker(tableName));
    fixture.proxy.inject('UpdateItem', throttled, 2);
    fixture.proxy.inject('UpdateItem', unreadable('{'), 2);
    const takes = await Promise.all(
      racers.map((racer, index) => racer.acquireLease(STREAM, SHARD, `worker-${index + 1}`)),
    );
    const winners = takes.filter((lease) => lease !== undefined);
    expect(winners).toHaveLength(1);
    const snapshot = await first.listLeases(STREAM);
    expect(snapshot).toEqual([expect.objectContaining({ owner: winners[0]?.owner })]);
  });
});
