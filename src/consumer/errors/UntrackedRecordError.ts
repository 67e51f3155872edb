import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * checkpoint() received a record it cannot commit: one of a consumer that does not track its
 * subscribers (started without a checkpointer: none in fromKinesis() options, no checkpoint()
 * subscribed with its first subscriber, ackOnEmit not false, so its records are finished when
 * emitted and a position written for them could be ahead of unprocessed work), one of the
 * passive view consumer.observe(), one fromKinesis() did not emit, or one another copy of this
 * library emitted. `origin` says which.
 */
export class UntrackedRecordError extends RxjsKinesisError {
  /**
   * Where the record came from: a consumer that does not track (`untracked-consumer`),
   * `consumer.observe()` (`observe`), or not from fromKinesis() at all (`not-emitted`: made by
   * hand, as in a unit test, or copied without its hidden fields by structuredClone or JSON), or
   * the fromKinesis() of another copy of rxjs-kinesis (`another-copy`: the package loaded both
   * through `import` and through `require()` in one process where they load different builds, or
   * two installed versions of it).
   */
  readonly origin: 'untracked-consumer' | 'observe' | 'not-emitted' | 'another-copy';

  constructor(
    streamName: string,
    shardId: string,
    origin: UntrackedRecordError['origin'] = 'untracked-consumer',
  ) {
    super(`checkpoint() got ${DESCRIPTIONS[origin](`"${String(streamName)}"`)}`, {
      retriable: false,
      context: { streamName, shardId },
    });
    this.origin = origin;
  }
}

const DESCRIPTIONS: Readonly<Record<UntrackedRecordError['origin'], (stream: string) => string>> = {
  'untracked-consumer': (stream) =>
    `a record of a fromKinesis() consumer that does not track checkpoints (stream ${stream}); ` +
    'pass the checkpointer to fromKinesis({ checkpointer }) (or set ackOnEmit: false)',
  observe: (stream) =>
    `a record of consumer.observe() (stream ${stream}): the passive view's records are not tracked ` +
    'and cannot be checkpointed; checkpoint the records of a direct subscription (consumer.pipe(...)) ' +
    'and tap with observe() beside it',
  'not-emitted': (stream) =>
    `a record fromKinesis() did not emit (stream ${stream}): made by hand (as in a unit test) or ` +
    'copied without its hidden fields (structuredClone, JSON); checkpoint() commits only what a ' +
    'fromKinesis() consumer read: test the steps before it on their own, or read from the local ' +
    'Kinesis (rxjs-kinesis/local)',
  'another-copy': (stream) =>
    `a record of another copy of rxjs-kinesis (stream ${stream}): the package was loaded both ` +
    'through import (its ES module build) and through require() (its CommonJS build), as Node ' +
    'before 22.12 or a bundler may, or two installed versions of it are in use, and each copy ' +
    'tracks only its own records; load one version of rxjs-kinesis, its subpaths and the ' +
    'packages that use it the same way in the whole application',
};
