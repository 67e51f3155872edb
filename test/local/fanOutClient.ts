// Enhanced fan-out from a test's side: an SDK client on its default HTTP/2 handler, consumer
// registration, and a reader of SubscribeToShard event streams with bounded waits.
import {
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  LimitExceededException,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type StartingPosition,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import type { LocalKinesis } from '../../src/local/startLocalKinesis.js';

/** A client as an application makes it: the SDK's default (HTTP/2) request handler, no retries. */
export function http2Client(local: LocalKinesis): KinesisClient {
  return new KinesisClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
    maxAttempts: 1,
  });
}

export async function streamArnOf(client: KinesisClient, streamName: string): Promise<string> {
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  return summary.StreamDescriptionSummary!.StreamARN!;
}

/** Registers a consumer and waits (bounded) until it is ACTIVE; returns its ARN. */
export async function activeConsumer(
  client: KinesisClient,
  streamName: string,
  consumerName: string,
): Promise<string> {
  const streamArn = await streamArnOf(client, streamName);
  const registered = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: consumerName }),
  );
  const arn = registered.Consumer!.ConsumerARN!;
  const deadline = Date.now() + 20_000;
  for (;;) {
    // Every 100 ms: within DescribeStreamConsumer's 20 calls a second per stream, backing off
    // when other calls took the stream's budget.
    let wait = 100;
    try {
      const described = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }));
      if (described.ConsumerDescription?.ConsumerStatus === 'ACTIVE') return arn;
    } catch (error) {
      if (!(error instanceof LimitExceededException)) throw error;
      wait = 250;
    }
    if (Date.now() > deadline) throw new Error(`consumer ${consumerName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** What reading an event stream gave: an event, its end, or the error it failed with. */
export type ReadOutcome =
  | { readonly kind: 'event'; readonly event: SubscribeToShardEvent }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

/** Reads one subscription's events, each wait bounded. */
export class EventReader {
  private readonly iterator: AsyncIterator<SubscribeToShardEventStream>;
  private pending: Promise<IteratorResult<SubscribeToShardEventStream>> | undefined;

  constructor(
    stream: AsyncIterable<SubscribeToShardEventStream>,
    private readonly abort: AbortController,
  ) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  static async subscribe(
    client: KinesisClient,
    consumerArn: string,
    shardId: string,
    position: StartingPosition,
  ): Promise<EventReader> {
    const abort = new AbortController();
    const output = await client.send(
      new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }),
      { abortSignal: abort.signal },
    );
    return new EventReader(output.EventStream!, abort);
  }

  /** The next event, the end of the stream, its error, or 'timeout' after `limitMs`. */
  async next(limitMs = 20_000): Promise<ReadOutcome> {
    this.pending ??= this.iterator.next();
    const pending = this.pending;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race<ReadOutcome>([
      pending.then(
        (result): ReadOutcome => {
          if (result.done === true) return { kind: 'end' };
          const event = result.value.SubscribeToShardEvent;
          if (event === undefined)
            return { kind: 'error', error: new Error(`unexpected ${JSON.stringify(result.value)}`) };
          return { kind: 'event', event };
        },
        (error: unknown): ReadOutcome => ({ kind: 'error', error }),
      ),
      new Promise<ReadOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timeout' }), limitMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome.kind !== 'timeout') this.pending = undefined;
    return outcome;
  }

  /** The next event; fails the test on anything else. */
  async event(limitMs = 20_000): Promise<SubscribeToShardEvent> {
    const outcome = await this.next(limitMs);
    if (outcome.kind !== 'event') throw new Error(`expected an event, got ${describe(outcome)}`);
    return outcome.event;
  }

  /** Reads events until `records` records arrived; returns the events read. */
  async eventsWithRecords(records: number, limitMs = 30_000): Promise<SubscribeToShardEvent[]> {
    const deadline = Date.now() + limitMs;
    const events: SubscribeToShardEvent[] = [];
    let seen = 0;
    while (seen < records) {
      const event = await this.event(Math.max(1, deadline - Date.now()));
      events.push(event);
      seen += event.Records?.length ?? 0;
    }
    return events;
  }

  /** Stops reading: aborts the request, which resets its stream. */
  cancel(): void {
    this.abort.abort();
    this.pending?.catch(() => undefined);
  }
}

export function describe(outcome: ReadOutcome): string {
  if (outcome.kind === 'error')
    return `error ${String((outcome.error as Error)?.name)}: ${String((outcome.error as Error)?.message)}`;
  return outcome.kind;
}

export function dataOf(events: readonly SubscribeToShardEvent[]): string[] {
  return events.flatMap((event) =>
    (event.Records ?? []).map((record) => Buffer.from(record.Data!).toString('utf8')),
  );
}
