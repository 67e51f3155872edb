import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { writeLog } from '../logging/writeLog.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import { StreamRecreatedError } from './errors/StreamRecreatedError.js';
import {
  NEXT_LISTING,
  NO_TIMESTAMP,
  StreamCreationQuestion,
  type Unanswered,
} from './StreamCreationQuestion.js';

/**
 * Which stream of its name the consumer reads: a stream deleted and created again keeps its name
 * (and ARN) and starts its shard ids over. learn() reads its StreamCreationTimestamp once, when
 * the consumer starts (unless learned() was given it: enhanced fan-out's look-up of the stream
 * ARN asks the same question); confirm() asks again, only after a read was refused (before a
 * shard gone from the listing is ended, a listed one read on from its position, or a position
 * refused as invalid fails the consumer): readings asking at once share one call. See
 * StreamCreationQuestion for the deadline and retries; learn()'s question, failed on its
 * connection, is asked at the next listing instead (a wrong endpoint fails the start no later).
 * A question that fails for good, or times out, tells nothing: the consumer goes on as without
 * it, and warns once (the stream may lack DescribeStreamSummary permission, or the server the
 * operation), naming the permission and what is not checked.
 */
export class StreamGeneration {
  private createdAt: Date | undefined;
  /** learn()'s call, made once (one failed on its connection is made again at the next listing). */
  private learning: Promise<void> | undefined;
  private flight: Promise<Date | undefined> | undefined;
  private readonly question: StreamCreationQuestion;
  private warned = false;

  constructor(
    client: KinesisClient,
    private readonly options: ResolvedConsumerOptions,
    /** Aborts the call under way and the wait before a retry (the consumer stops). */
    abortSignal: AbortSignal,
  ) {
    this.question = new StreamCreationQuestion(client, options, abortSignal);
  }

  /**
   * The creation time as another call of the start answered it (undefined: not in its answer):
   * learn() asks no more. Ignored once learn() was called.
   */
  learned(createdAt: Date | undefined): void {
    if (this.learning !== undefined) return;
    this.learning = Promise.resolve();
    this.settle(createdAt ?? { reason: NO_TIMESTAMP });
  }

  /** Reads the stream's creation time (once; later calls wait for that one, then do nothing). */
  learn(): Promise<void> {
    return (this.learning ??= this.question.ask(true).then((answer) => {
      // Not connected: the listing waits for no back-off here (it fails or retries on its own),
      // and the next listing asks again.
      if (answer === NEXT_LISTING) this.learning = undefined;
      else this.settle(answer);
    }));
  }

  /** A StreamRecreatedError when the stream under the name is not the one learn() saw; else undefined. */
  async confirm(): Promise<StreamRecreatedError | undefined> {
    const before = this.createdAt;
    if (before === undefined) return undefined;
    const flight = (this.flight ??= this.question.ask(false).then((answer) => {
      if (answer instanceof Date) return answer;
      if (answer !== undefined && answer !== NEXT_LISTING) this.warn(answer, false);
      return undefined;
    }));
    const now = await flight;
    if (this.flight === flight) this.flight = undefined;
    if (now === undefined || now.getTime() === before.getTime()) return undefined;
    return new StreamRecreatedError(this.options.address.streamName, before, now);
  }

  private settle(answer: Date | Unanswered | undefined): void {
    if (answer instanceof Date) this.createdAt = answer;
    else if (answer !== undefined) this.warn(answer, true);
  }

  /** Once per run: the creation time could not be read (`starting`: the check is off for the run). */
  private warn(unanswered: Unanswered, starting: boolean): void {
    if (this.warned) return;
    this.warned = true;
    const unchecked = starting
      ? 'a stream deleted and created again under the same name is not detected'
      : 'a refused read was not checked for a stream deleted and created again under the same name';
    writeLog(
      this.options.logger,
      'warn',
      `cannot read the stream's creation time (needs kinesis:DescribeStreamSummary): ${unchecked}`,
      { streamName: this.options.address.streamName, reason: unanswered.reason },
    );
  }
}
