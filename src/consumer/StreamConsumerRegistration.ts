import {
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
  type ConsumerDescription,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { callWithin } from '../kinesis/callWithin.js';
import type { StreamAddress } from '../kinesis/streamAddress.js';
import { schedulerTimer } from './CallerClientDeadline.js';
import { StreamNotActiveError } from '../kinesis/errors/StreamNotActiveError.js';
import type { ResolvedEnhancedFanOut } from './EnhancedFanOutOptions.js';
import { StreamConsumerNotActiveError } from './errors/StreamConsumerNotActiveError.js';
import { limitExceededAdvice } from './consumerLimitAdvice.js';
import { consumerLimitRefusal, type StreamConsumerCount } from './consumerLimitRefusal.js';
import { ControlPlaneCalls, type ControlPlaneCallsOptions } from './ControlPlaneCalls.js';
import { Stopwatch } from './Stopwatch.js';

/** Wait between two DescribeStreamConsumer calls while the consumer is CREATING or DELETING. */
export const ACTIVATION_POLL_MS = 1000;
/** DescribeStreamConsumer calls (a poll apart) that look for a consumer registered as the consumer stopped. */
const STOP_LOOKS = 3;

/** The consumer's scheduler (every wait runs on it), back-off, events and call deadline. */
export interface StreamConsumerRegistrationOptions extends Pick<
  ControlPlaneCallsOptions,
  'scheduler' | 'backoff' | 'onEvent' | 'callTimeoutMs'
> {
  readonly client: KinesisClient;
  readonly address: StreamAddress;
  readonly fanOut: ResolvedEnhancedFanOut;
  /** The stream's creation time, from the DescribeStreamSummary that looks its ARN up (if made). */
  readonly onStreamCreated?: (createdAt: Date | undefined) => void;
}

/**
 * The stream consumer of enhanced fan-out: finds it by name (registering it with
 * RegisterStreamConsumer when the stream has none of that name; while the stream is not ACTIVE,
 * which Kinesis also answers with ResourceInUseException, once a second) or by ARN, waits until it
 * is ACTIVE (DescribeStreamConsumer every second, within `activationTimeoutMs`; a consumer
 * registered a moment ago that it does not list yet is waited for, not registered again), and
 * deregisters it only when asked. Every call goes through the consumer's client (each with its deadline) and is
 * retried with back-off when retriable.
 */
export class StreamConsumerRegistration {
  private arn: string | undefined;
  /** The stream RegisterStreamConsumer was sent for: it may have registered the consumer. */
  private registeredOn: string | undefined;
  private readonly controller = new AbortController();
  private readonly calls: ControlPlaneCalls;

  constructor(private readonly options: StreamConsumerRegistrationOptions) {
    this.arn = options.fanOut.consumerArn;
    this.calls = new ControlPlaneCalls({
      streamName: options.address.streamName,
      activationTimeoutMs: options.fanOut.activationTimeoutMs,
      scheduler: options.scheduler,
      backoff: options.backoff,
      onEvent: options.onEvent,
      callTimeoutMs: options.callTimeoutMs,
    });
  }

  /** The consumer's ARN (known once ensure() resolved, or given). */
  get consumerArn(): string {
    if (this.arn === undefined) throw new Error('the stream consumer is not registered yet');
    return this.arn;
  }

  /** What the consumer is called in messages. */
  get label(): string {
    return this.options.fanOut.consumerName ?? this.options.fanOut.consumerArn ?? '(unnamed)';
  }

  /** The status of the given `consumerArn` now (one DescribeStreamConsumer): 'not found' once gone. */
  async givenStatus(): Promise<string | undefined> {
    return (await this.describe(undefined))?.ConsumerStatus ?? 'not found';
  }

  /** Ends every wait and retry under way (the consumer stops). */
  cancel(): void {
    this.controller.abort();
  }

  /**
   * Resolves with the ARN of an ACTIVE stream consumer; rejects with StreamConsumerNotActiveError
   * after `activationTimeoutMs` (at once, not retriable, for a `consumerArn` that is DELETING or
   * not found), StreamNotActiveError when the stream itself stayed not ACTIVE (RegisterStreamConsumer
   * refused) that long, StreamConsumerLimitError at once for a stream at its consumer limit, or a
   * typed error that cannot be retried.
   */
  async ensure(): Promise<string> {
    const { fanOut, scheduler } = this.options;
    // A wall clock set back does not lengthen the wait for ACTIVE.
    const watch = new Stopwatch(() => scheduler.now());
    const streamArn = fanOut.consumerArn === undefined ? await this.streamArn() : undefined;
    let status: string | undefined;
    /** The ResourceInUseException of the last RegisterStreamConsumer, and how many in a row. */
    let refused: unknown;
    let refusals = 0;
    /**
     * The consumer exists though DescribeStreamConsumer may not list it yet (it is eventually
     * consistent): RegisterStreamConsumer took it, or refused it as in use while the stream is
     * ACTIVE (another worker of the group registered it a moment ago).
     */
    let registered = false;
    /** The last refused RegisterStreamConsumer was sent once the stream was seen ACTIVE. */
    let refusedWhileActive = false;
    for (;;) {
      const found = await this.describe(streamArn);
      status = found?.ConsumerStatus;
      if (found?.ConsumerARN !== undefined) this.arn = found.ConsumerARN;
      if (status === 'ACTIVE' && this.arn !== undefined) return this.arn;
      if (found === undefined) {
        // A consumerArn names one registration: gone, it never comes back (not retriable).
        if (fanOut.consumerName === undefined || streamArn === undefined) {
          throw new StreamConsumerNotActiveError(
            this.label,
            'not found',
            0,
            this.streamName,
            undefined,
            false,
          );
        }
        // Refused as in use, yet no such consumer: registered by another worker a moment ago, or
        // the stream is not ACTIVE (CREATING, DELETING), which Kinesis answers the same way.
        if (!registered && refused !== undefined && (await this.streamActive(streamArn))) {
          // A refusal sent while the stream was still CREATING says nothing of the consumer: the
          // stream may have turned ACTIVE since. Only one sent after it was seen ACTIVE (and it
          // still is) means the consumer exists.
          if (refusedWhileActive) registered = true;
          else {
            refused = await this.register(streamArn, fanOut.consumerName);
            refusedWhileActive = refused !== undefined;
            if (refused === undefined) registered = true;
            continue;
          }
        }
        if (registered) {
          const waited = watch.elapsed();
          if (waited >= fanOut.activationTimeoutMs || this.controller.signal.aborted)
            throw new StreamConsumerNotActiveError(this.label, 'not found', waited, this.streamName);
          await this.calls.sleep(
            Math.min(ACTIVATION_POLL_MS, fanOut.activationTimeoutMs - waited),
            this.controller.signal,
          );
          continue;
        }
        if (refused !== undefined) {
          refusals += 1;
          const waited = watch.elapsed();
          const error = this.streamNotActive(refused, waited);
          if (waited >= fanOut.activationTimeoutMs || this.controller.signal.aborted) throw error;
          const delayMs = Math.min(ACTIVATION_POLL_MS, fanOut.activationTimeoutMs - waited);
          this.options.onEvent({
            type: 'error-retried',
            operation: 'RegisterStreamConsumer',
            error,
            attempt: refusals,
            delayMs,
          });
          await this.calls.sleep(delayMs, this.controller.signal);
        }
        refused = await this.register(streamArn, fanOut.consumerName);
        refusedWhileActive = false;
        if (refused === undefined) registered = true;
        continue;
      }
      // A consumer ARN names one registration (its creation time): once DELETING it never
      // turns ACTIVE again, and no name is given to register it anew.
      if (status === 'DELETING' && fanOut.consumerArn !== undefined)
        throw new StreamConsumerNotActiveError(
          this.label,
          status,
          watch.elapsed(),
          this.streamName,
          undefined,
          false,
        );
      // Listed now: should it vanish (deregistered meanwhile), it is registered again.
      registered = false;
      refused = undefined;
      refusedWhileActive = false;
      refusals = 0;
      const waited = watch.elapsed();
      if (waited >= fanOut.activationTimeoutMs || this.controller.signal.aborted)
        throw new StreamConsumerNotActiveError(this.label, status, waited, this.streamName);
      await this.calls.sleep(
        Math.min(ACTIVATION_POLL_MS, fanOut.activationTimeoutMs - waited),
        this.controller.signal,
      );
    }
  }

  /**
   * Deregisters the stream consumer (one already gone is fine). Rejects with a typed error.
   * `signal` (the stop's deadline) ends its call and its retries' waits.
   */
  async deregister(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const arn = this.arn ?? (await this.registeredArn(signal));
    if (arn === undefined) return;
    // After stop(): not cancelled by it (stop() waits for this instead, until its deadline).
    await this.calls.call('DeregisterStreamConsumer', signal, async (abortSignal) => {
      try {
        await this.options.client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arn }), {
          abortSignal,
        });
      } catch (error) {
        if (errorName(error) !== 'ResourceNotFoundException') throw error;
      }
    });
  }

  /**
   * Stopped while registering, before the ARN was known (RegisterStreamConsumer not answered yet,
   * or the consumer not listed yet): the ARN of the consumer Kinesis may have registered, by name.
   */
  private async registeredArn(signal: AbortSignal): Promise<string | undefined> {
    const streamArn = this.registeredOn;
    if (streamArn === undefined) return undefined;
    for (let look = 1; ; look += 1) {
      const arn = (await this.describe(streamArn, signal))?.ConsumerARN;
      if (arn !== undefined || look >= STOP_LOOKS || signal.aborted) return arn;
      await this.calls.sleep(ACTIVATION_POLL_MS, signal);
    }
  }

  private get streamName(): string {
    return this.options.address.streamName;
  }

  private async streamArn(): Promise<string> {
    const { address, client } = this.options;
    if (address.streamArn !== undefined) return address.streamArn;
    const output = await this.calls.call('DescribeStreamSummary', this.controller.signal, (abortSignal) =>
      client.send(new DescribeStreamSummaryCommand({ StreamName: address.streamName }), { abortSignal }),
    );
    const arn = output.StreamDescriptionSummary?.StreamARN;
    if (arn === undefined)
      throw new Error(`DescribeStreamSummary returned no StreamARN for ${address.streamName}`);
    this.options.onStreamCreated?.(output.StreamDescriptionSummary?.StreamCreationTimestamp);
    return arn;
  }

  /** Whether the stream is ACTIVE (DescribeStreamSummary). */
  private async streamActive(streamArn: string): Promise<boolean> {
    const output = await this.calls.call('DescribeStreamSummary', this.controller.signal, (abortSignal) =>
      this.options.client.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn }), { abortSignal }),
    );
    return output.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
  }

  /** The consumer's description, or undefined when the stream has no such consumer. */
  private describe(
    streamArn: string | undefined,
    signal = this.controller.signal,
  ): Promise<ConsumerDescription | undefined> {
    const { client, fanOut } = this.options;
    const input =
      fanOut.consumerArn !== undefined
        ? { ConsumerARN: fanOut.consumerArn }
        : { StreamARN: streamArn, ConsumerName: fanOut.consumerName };
    return this.calls.call('DescribeStreamConsumer', signal, async (abortSignal) => {
      try {
        const output = await client.send(new DescribeStreamConsumerCommand(input), { abortSignal });
        return output.ConsumerDescription;
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    });
  }

  /**
   * Registers the consumer. Resolves with the ResourceInUseException Kinesis answered, if any: it
   * means the consumer exists (registered meanwhile by another worker of the group) or the stream
   * is not ACTIVE; the caller tells them apart by describing the consumer again.
   */
  private async register(streamArn: string, consumerName: string): Promise<unknown> {
    this.registeredOn = streamArn;
    return this.calls
      .call('RegisterStreamConsumer', this.controller.signal, async (abortSignal) => {
        try {
          const output = await this.options.client.send(
            new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: consumerName }),
            { abortSignal },
          );
          this.arn = output.Consumer?.ConsumerARN ?? this.arn;
          return undefined;
        } catch (error) {
          if (errorName(error) === 'LimitExceededException') {
            // At the stream's consumer limit no retry helps: failed at once.
            throw (
              (await consumerLimitRefusal(error, consumerName, this.streamName, () =>
                this.streamConsumers(streamArn, abortSignal),
              )) ?? error
            );
          }
          if (errorName(error) !== 'ResourceInUseException') throw error;
          return error;
        }
      })
      .catch(async (error: unknown) => {
        throw await limitExceededAdvice(
          error,
          async () => (await this.streamConsumers(streamArn)).consumerCount,
        );
      });
  }

  /** The stream's consumer count and mode (DescribeStreamSummary), on `signal` (the asking attempt's). */
  private async streamConsumers(
    streamArn: string,
    signal = this.controller.signal,
  ): Promise<StreamConsumerCount> {
    const { client, callTimeoutMs, scheduler } = this.options;
    const describe = (abortSignal: AbortSignal) =>
      client.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn }), { abortSignal });
    const output =
      callTimeoutMs === undefined
        ? await describe(signal)
        : await callWithin(describe, {
            timeoutMs: callTimeoutMs,
            startTimer: schedulerTimer(scheduler),
            abortSignal: signal,
            api: 'DescribeStreamSummary',
            context: { streamName: this.streamName },
          });
    const summary = output.StreamDescriptionSummary;
    return { consumerCount: summary?.ConsumerCount, streamMode: summary?.StreamModeDetails?.StreamMode };
  }

  /** RegisterStreamConsumer refused with `cause` (ResourceInUseException) for `waitedMs`. */
  private streamNotActive(cause: unknown, waitedMs: number): StreamNotActiveError {
    const { streamName } = this;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new StreamNotActiveError(
      `stream ${streamName} is not ACTIVE: RegisterStreamConsumer for ${this.label} refused with ` +
        `ResourceInUseException for ${waitedMs} ms${detail}`,
      { cause, code: 'ResourceInUseException', context: { streamName } },
    );
  }
}

function errorName(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
}
