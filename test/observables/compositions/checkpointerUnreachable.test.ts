// Case: a Redis that cannot be reached. Once the consumer left the checkpointer failing for
// checkpointerTimeoutMs (no heartbeat, lease or position could be read or written), the
// Observable errors with CheckpointerUnavailableError whose cause says the connection was
// refused and where, and which never carries the password of the Redis URL. (The cause is the
// RedisCheckpointer's: its calls must fail with the connection attempt's own error, e.g.
// "connect ECONNREFUSED 127.0.0.1:<port>", not ioredis's "max retries per request".)
import { createServer, type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import {
  checkpoint,
  CheckpointerUnavailableError,
  fromKinesis,
  RedisCheckpointer,
  type ConsumerEvent,
} from '../../../src/index.js';

import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The messages of an error and of every cause under it. */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let at: unknown = error; at instanceof Error; at = (at as { cause?: unknown }).cause)
    parts.push(at.message);
  return parts.join(' <- ');
}

test('an unreachable Redis errors the consumer after checkpointerTimeoutMs with the refused address, and no password', async () => {
  const streamName = uniqueStreamName('redis-down');
  await kinesis.createStream(streamName, 1);
  const port = await closedPort();
  const secret = 'pa55-w0rd-never-shown';
  const checkpointer = new RedisCheckpointer({
    redis: `redis://app:${secret}@127.0.0.1:${port}`,
    name: 'unreachable',
    retry: { baseMs: 20, capMs: 100, retryLimit: 2 },
  });
  const consumer = fromKinesis({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer,
    checkpointerTimeoutMs: 1500,
  });
  const events: ConsumerEvent[] = [];
  consumer.events$.subscribe((event) => events.push(event));
  const startedAt = Date.now();
  const error = await firstValueFrom(consumer.pipe(checkpoint())).then(
    () => new Error('expected the consumer to error'),
    (caught: unknown) => caught,
  );
  const elapsed = Date.now() - startedAt;
  await consumer.stopped();
  await checkpointer.close().catch(() => undefined);

  expect(error).toBeInstanceOf(CheckpointerUnavailableError);
  const unavailable = error as CheckpointerUnavailableError;
  expect(unavailable.unavailableMs).toBe(1500);
  expect(unavailable.cause).toBeDefined();
  const chain = causeChain(unavailable);
  expect(chain).toMatch(/ECONNREFUSED|connection refused/i);
  expect(chain).toContain(`127.0.0.1:${port}`);
  // Not before the timeout (it waited for the checkpointer), and well before a minute.
  expect(elapsed).toBeGreaterThanOrEqual(1400);
  expect(elapsed).toBeLessThan(30_000);
  for (const shown of [
    unavailable.message,
    chain,
    inspect(unavailable, { depth: 5 }),
    JSON.stringify(unavailable),
  ])
    expect(shown).not.toContain(secret);
  // Until then the failures were reported as they happened.
  expect(events.some((event) => event.type === 'error-retried')).toBe(true);
  expect(events.at(-1)?.type).toBe('consumer-stopped');
});
