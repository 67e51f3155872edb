import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';
import { describeThrown } from '../../errors/describeThrown.js';
import { printableText } from '../../errors/printableText.js';

/**
 * A consumed record could not be turned into items: its framing is malformed or one of its
 * items does not deserialize. `context` names the shard and sequence number, `cause` holds
 * the underlying DeaggregationError or DeserializationError. When the bytes look like another
 * processor's format, the message says so (e.g. "the record looks like JSON lines"). The cause's
 * message is quoted with every control, bidi mark and line break as a JSON escape.
 */
export class RecordDecodeError extends RxjsKinesisError {
  /** Name of the processor that failed, e.g. "kplJson". */
  readonly processor: string;

  constructor(processor: string, context: ErrorContext, cause: unknown, hint?: string) {
    const where =
      `shard ${context.shardId ?? '?'} sequence number ${context.sequenceNumber ?? '?'}` +
      (context.subSequenceNumber === undefined ? '' : ` sub-record ${context.subSequenceNumber}`);
    // A serializer of your own may quote the item in its error, and the item is whatever the
    // record's writer chose: what a terminal or log viewer would act on is written escaped.
    const reason = printableText(describeThrown(cause));
    super(
      `Cannot decode record (${processor}) at ${where}: ${reason}${hint === undefined ? '' : `; ${hint}`}`,
      {
        retriable: false,
        cause,
        context,
      },
    );
    this.processor = processor;
  }
}
