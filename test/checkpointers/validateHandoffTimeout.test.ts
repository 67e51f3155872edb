// A handoff timeout at or below two heartbeats can never be honoured by an owner with records in
// flight (it may see the request a heartbeat late and withdraws it a heartbeat early): both group
// checkpointers refuse one at construction, naming both values.
import { Redis } from 'ioredis';
import { resolveDynamoDBCheckpointerOptions } from '../../src/checkpointers/dynamodb/resolveDynamoDBCheckpointerOptions.js';
import { resolveRedisCheckpointerOptions } from '../../src/checkpointers/redis/RedisCheckpointerOptions.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';

/** Validation happens before any connection: this client never connects. */
const client = new Redis({ lazyConnect: true });

afterAll(() => client.disconnect());

interface Timing {
  readonly lease: number;
  readonly heartbeat: number;
  readonly handoff?: number;
}

const checkpointers = [
  {
    name: 'RedisCheckpointer',
    heartbeatOption: 'heartbeatInterval',
    resolve: ({ lease, heartbeat, handoff }: Timing) =>
      resolveRedisCheckpointerOptions({
        redis: client,
        name: 'app',
        sessionTimeout: lease,
        heartbeatInterval: heartbeat,
        ...(handoff === undefined ? {} : { handoffTimeoutMs: handoff }),
      }),
  },
  {
    name: 'DynamoDBCheckpointer',
    heartbeatOption: 'heartbeatIntervalMs',
    resolve: ({ lease, heartbeat, handoff }: Timing) =>
      resolveDynamoDBCheckpointerOptions({
        failoverTimeMs: lease,
        heartbeatIntervalMs: heartbeat,
        ...(handoff === undefined ? {} : { handoffTimeoutMs: handoff }),
      }),
  },
];

function rejection(resolve: () => unknown): InvalidOptionError {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected the options to be rejected');
}

describe.each(checkpointers)('$name handoffTimeoutMs', ({ resolve, heartbeatOption }) => {
  it.each([250, 400, 500])('refuses %i ms against a 250 ms heartbeat, naming both values', (handoff) => {
    const error = rejection(() => resolve({ lease: 2000, heartbeat: 250, handoff }));
    expect(error.option).toBe('handoffTimeoutMs');
    expect(error.value).toBe(handoff);
    expect(error.message).toContain(`got ${handoff};`);
    expect(error.message).toContain(
      `> 2 * ${heartbeatOption} (${heartbeatOption} is 250 ms, so at least 501 ms)`,
    );
  });

  it('accepts anything above two heartbeats', () => {
    expect(resolve({ lease: 2000, heartbeat: 250, handoff: 501 })).toMatchObject({ handoffTimeoutMs: 501 });
  });

  it('defaults to the lease duration, or three heartbeats where that is longer', () => {
    expect(resolve({ lease: 2000, heartbeat: 250 })).toMatchObject({ handoffTimeoutMs: 2000 });
    expect(resolve({ lease: 1000, heartbeat: 500 })).toMatchObject({ handoffTimeoutMs: 1500 });
  });
});
