import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { callWithin } from '../kinesis/callWithin.js';
import { streamParams } from '../kinesis/streamAddress.js';
import { callDeadlineMs } from '../kinesis/callDeadline.js';
import { schedulerTimer } from './CallerClientDeadline.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import { StreamRecreatedError } from './errors/StreamRecreatedError.js';

/**
 * Which stream of its name the consumer reads: a stream deleted and created again keeps its name
 * (and ARN) and starts its shard ids over. learn() reads its StreamCreationTimestamp once, when
 * the consumer starts; confirm() asks again, only after a read was refused (before a shard gone
 * from the listing is ended, a listed one read on from its position, or a position refused as
 * invalid fails the consumer): readings asking at once share one call. Each call has a
 * deadline (connectTimeout + requestTimeout). A call that fails tells nothing: the consumer goes
 * on as without it (the stream may lack DescribeStreamSummary permission).
 */
export class StreamGeneration {
  private createdAt: Date | undefined;
  /** learn()'s call, made once (a failed one is not asked again). */
  private learning: Promise<void> | undefined;
  private flight: Promise<Date | undefined> | undefined;

  constructor(
    private readonly client: KinesisClient,
    private readonly options: ResolvedConsumerOptions,
    /** Aborts the call under way (the consumer stops). */
    private readonly abortSignal: AbortSignal,
  ) {}

  /** Reads the stream's creation time (once; later calls wait for that one, then do nothing). */
  learn(): Promise<void> {
    return (this.learning ??= this.ask().then((createdAt) => void (this.createdAt = createdAt)));
  }

  /** A StreamRecreatedError when the stream under the name is not the one learn() saw; else undefined. */
  async confirm(): Promise<StreamRecreatedError | undefined> {
    const before = this.createdAt;
    if (before === undefined) return undefined;
    const flight = (this.flight ??= this.ask());
    const now = await flight;
    if (this.flight === flight) this.flight = undefined;
    if (now === undefined || now.getTime() === before.getTime()) return undefined;
    return new StreamRecreatedError(this.options.address.streamName, before, now);
  }

  private async ask(): Promise<Date | undefined> {
    const { address, connectTimeout, requestTimeout, scheduler } = this.options;
    try {
      const output = await callWithin(
        (abortSignal) =>
          this.client.send(new DescribeStreamSummaryCommand(streamParams(address)), { abortSignal }),
        {
          timeoutMs: callDeadlineMs(connectTimeout, requestTimeout),
          startTimer: schedulerTimer(scheduler),
          abortSignal: this.abortSignal,
          api: 'DescribeStreamSummary',
          context: { streamName: address.streamName },
        },
      );
      return output.StreamDescriptionSummary?.StreamCreationTimestamp;
    } catch {
      return undefined;
    }
  }
}
