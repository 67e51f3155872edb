import { Observable, Subject } from 'rxjs';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../checkpointers/MemoryCheckpointer.js';
import { currentCheckpointSink } from '../consumer/checkpointBinding.js';
import type { ConsumerEvent } from '../consumer/ConsumerEvent.js';
import { resolveConsumerOptions, type ConsumerOptions } from '../consumer/ConsumerOptions.js';
import type { ConsumerStats } from '../consumer/ConsumerStats.js';
import { CheckpointerConflictError } from '../consumer/errors/CheckpointerConflictError.js';
import { KinesisConsumer } from '../consumer/KinesisConsumer.js';
import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import type { ShardReader } from '../consumer/ShardReader.js';

/** The hot Observable fromKinesis() returns, with the consumer's events and stats. */
export interface KinesisConsumerObservable extends Observable<KinesisRecord> {
  /** Lifecycle notifications of every run of this consumer (hot: subscribe before you need them). */
  readonly events$: Observable<ConsumerEvent>;
  /** A snapshot of the running consumer (or of the last run). */
  stats(): ConsumerStats;
  /** Resolves once the last run has written its checkpoints and released its leases. */
  stopped(): Promise<void>;
}

/** Internal: lets tests drive the consumer with a fake data plane. */
export interface FromKinesisInternals {
  readonly reader?: ShardReader;
}

/**
 * Reads a Kinesis stream as a hot Observable of KinesisRecord. The first subscription starts
 * one poller per readable shard; every later subscriber shares them; when the last one leaves,
 * polling stops, committable checkpoints are written and leases are released. Options are
 * validated at once (InvalidOptionError); Kinesis failures that cannot be retried error the
 * Observable with a typed RxjsKinesisError.
 */
export function fromKinesis(
  options: ConsumerOptions,
  internals: FromKinesisInternals = {},
): KinesisConsumerObservable {
  const resolved = resolveConsumerOptions(options);
  const events = new Subject<ConsumerEvent>();
  let engine: KinesisConsumer | undefined;
  let checkpointer: Checkpointer | undefined = resolved.checkpointer;

  const records = new Observable<KinesisRecord>((subscriber) => {
    const sink = currentCheckpointSink();
    if (
      resolved.checkpointer !== undefined &&
      sink?.checkpointer !== undefined &&
      sink.checkpointer !== resolved.checkpointer
    ) {
      subscriber.error(new CheckpointerConflictError(resolved.checkpointer.name, sink.checkpointer.name));
      return undefined;
    }
    let current = engine;
    if (current === undefined || !current.isRunning) {
      checkpointer ??= sink?.checkpointer ?? new MemoryCheckpointer();
      const previous = current?.stopped ?? Promise.resolve();
      current = new KinesisConsumer({
        options: resolved,
        checkpointer,
        onEvent: (event) => events.next(event),
        ...(internals.reader === undefined ? {} : { reader: internals.reader }),
      });
      engine = current;
      try {
        current.addSubscriber(subscriber, sink, previous);
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
    } else {
      try {
        current.addSubscriber(subscriber, sink, Promise.resolve());
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
    }
    const running = current;
    return () => running.removeSubscriber(subscriber);
  });

  return Object.assign(records, {
    events$: events.asObservable(),
    stats: (): ConsumerStats =>
      engine?.stats() ?? {
        streamName: resolved.address.streamName,
        workerId: resolved.workerId,
        running: false,
        inFlight: 0,
        peakInFlight: 0,
        maxQueueSize: resolved.maxQueueSize,
        shards: [],
      },
    stopped: (): Promise<void> => engine?.stopped ?? Promise.resolve(),
  });
}
