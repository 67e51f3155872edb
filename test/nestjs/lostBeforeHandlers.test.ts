// An event whose shard lease is lost after it was read but before its handlers were called (while
// its message was decoded, or while the processing start hook ran) is not handled here: no
// handler is called, nothing is dead-lettered, no checkpoint is written (the shard's next owner
// reads it again). A method Nest reaches after a waiting step of its own (a guard) is still called
// when the loss comes during that step, its signal already aborted (as the README says).
import 'reflect-metadata';
import { Controller, Logger, UseGuards, type CanActivate } from '@nestjs/common';
import { Ctx, EventPattern, Payload, type ConsumerDeserializer } from '@nestjs/microservices';
import { MemoryCheckpointer, type ConsumerEvent, type KinesisConsumerObservable } from 'rxjs-kinesis';
import {
  KinesisTransportStrategy,
  type KinesisContext,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { emitted, Gate, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

afterEach(() => jest.restoreAllMocks());

/** The warnings the transport logged so far. */
function warnings(warn: jest.SpyInstance): string[] {
  return warn.mock.calls.map(([message]) => String(message));
}

/** When set, the guard of the test's controller waits at this gate (a step of Nest's own). */
let guardGate: Gate | undefined;

class GatedGuard implements CanActivate {
  async canActivate(): Promise<boolean> {
    if (guardGate !== undefined) {
      guardGate.entered = true;
      await guardGate.opened;
    }
    return true;
  }
}

/** What a run saw: handler calls, dead letters, hook calls, consumer events. */
interface Seen {
  readonly calls: { n: number; reason: unknown }[];
  readonly deadLetters: KinesisDeadLetter[];
  readonly events: ConsumerEvent[];
  ends: number;
}

/**
 * Runs an app on a new stream of 3 events of one shard whose first event waits at `gate` (in the
 * step the test set up), takes the shard's lease away meanwhile, then opens the gate. Resolves
 * with what was seen and the checkpointer.
 */
async function loseLeaseAt(
  prefix: string,
  gate: Gate,
  setUp: (strategy: KinesisTransportStrategy) => void,
  deserializer?: ConsumerDeserializer,
): Promise<Seen & { checkpointer: MemoryCheckpointer }> {
  const streamName = await harness.createStream(prefix);
  // The store's clock can be moved: another worker takes the lease as if it had run out.
  let skew = 0;
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 3000, now: () => Date.now() + skew });
  const seen: Seen = { calls: [], deadLetters: [], events: [], ends: 0 };
  @Controller()
  @UseGuards(GatedGuard)
  class WorkController {
    @EventPattern('work')
    work(@Payload() data: { n: number }, @Ctx() context: KinesisContext): void {
      seen.calls.push({ n: data.n, reason: context.getAbortSignal().reason });
    }
  }
  const client = harness.client(streamName);
  const reports = await Promise.all(
    Array.from({ length: 3 }, (_, n) => emitted(client, 'work', { n }, 'one')),
  );
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void seen.deadLetters.push(deadLetter),
    ...(deserializer === undefined ? {} : { deserializer }),
  });
  strategy.on('consumer-event', (event) => seen.events.push(event));
  strategy.setOnProcessingEndHook(() => void (seen.ends += 1));
  setUp(strategy);
  await harness.startApp(strategy, [WorkController]);
  const consumer = strategy.unwrap<KinesisConsumerObservable>();
  await waitFor('the first event to wait', () => gate.entered, WAIT_MS);
  await waitFor('every event read', () => consumer.stats().inFlight === reports.length, WAIT_MS);

  // Another worker takes the shard (an hour later on the store's clock: this worker cannot take
  // it back during the test).
  skew = 3_600_000;
  const taking = checkpointer.acquireLease(streamName, reports[0]!.shardId, 'other-worker');
  skew = 0;
  expect(await taking).toBeDefined();
  await waitFor('the loss', () => seen.events.some((event) => event.type === 'lease-lost'), WAIT_MS);
  gate.open();
  await waitFor('the events of the lost lease to settle', () => consumer.stats().inFlight === 0, WAIT_MS);
  return { ...seen, checkpointer };
}

describe('a lease lost before the handlers were called', () => {
  it('while the processing start hook ran: no handler is called, the end hook is, nothing is dead-lettered or checkpointed', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const gate = new Gate();
    const seen = await loseLeaseAt('nest-lost-hook', gate, (strategy) => {
      strategy.setOnProcessingStartHook(async (_transportId, _context, done) => {
        gate.entered = true;
        await gate.opened;
        return done();
      });
    });

    expect(seen.calls).toEqual([]);
    expect(seen.ends).toBe(1);
    expect(seen.deadLetters).toEqual([]);
    expect(seen.checkpointer.snapshot()).toEqual([]);
    // Taken over by another worker: worded as a lost lease (not "lost or handed over").
    const shardId = 'shardId-000000000000';
    expect(warnings(warn)).toContain(
      `The lease of ${shardId} was lost: its events not handled yet are left to its next owner`,
    );
  });

  it('an end hook that throws after the loss is logged as the hook failing, not the handler', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const gate = new Gate();
    const seen = await loseLeaseAt('nest-lost-end-hook', gate, (strategy) => {
      strategy.setOnProcessingStartHook(async (_transportId, _context, done) => {
        gate.entered = true;
        await gate.opened;
        return done();
      });
      strategy.setOnProcessingEndHook(() => {
        throw new Error('metrics flush failed');
      });
    });

    expect(seen.calls).toEqual([]);
    expect(seen.deadLetters).toEqual([]);
    const shardId = 'shardId-000000000000';
    const failures = warnings(warn).filter((message) => message.includes('metrics flush failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      new RegExp(
        `^Processing end hook failed for work on ${shardId} @ \\d+ after the lease of ${shardId} was lost ` +
          `\\(not dead-lettered: its next owner handles it again\\): Error: metrics flush failed$`,
      ),
    );
  });

  it('while the message was decoded: no handler or hook is called, nothing is dead-lettered or checkpointed', async () => {
    const gate = new Gate();
    let hooks = 0;
    const deserializer: ConsumerDeserializer = {
      async deserialize(value: unknown) {
        const message = value as KinesisMessage;
        gate.entered = true;
        await gate.opened;
        return { pattern: message.pattern, data: message.data };
      },
    };
    const seen = await loseLeaseAt(
      'nest-lost-decoding',
      gate,
      (strategy) => {
        strategy.setOnProcessingStartHook((_transportId, _context, done) => {
          hooks += 1;
          return done();
        });
      },
      deserializer,
    );

    expect(seen.calls).toEqual([]);
    expect(hooks).toBe(0);
    expect(seen.deadLetters).toEqual([]);
    expect(seen.checkpointer.snapshot()).toEqual([]);
  });

  it("while a guard of Nest's ran: the method is still called, its signal aborted", async () => {
    const gate = new Gate();
    guardGate = gate;
    try {
      const seen = await loseLeaseAt('nest-lost-guard', gate, () => undefined);
      expect(seen.calls.map((call) => call.n)).toContain(0);
      expect(seen.calls.find((call) => call.n === 0)?.reason).toBeInstanceOf(Error);
      expect(seen.checkpointer.snapshot()).toEqual([]);
    } finally {
      guardGate = undefined;
    }
  });

  it('an undecodable message whose lease was lost while it was decoded is not dead-lettered', async () => {
    const gate = new Gate();
    const deserializer: ConsumerDeserializer = {
      async deserialize() {
        gate.entered = true;
        await gate.opened;
        throw new Error('not a message');
      },
    };
    const seen = await loseLeaseAt('nest-lost-undecodable', gate, () => undefined, deserializer);

    expect(seen.calls).toEqual([]);
    expect(seen.deadLetters).toEqual([]);
    expect(seen.checkpointer.snapshot()).toEqual([]);
  });
});
