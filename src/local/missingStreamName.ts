import { invalidArgument } from './awsErrors.js';
import { validationOf, violation } from './modelValidation.js';
import { NAMED_BY_STREAM_NAME } from './streamArn.js';
import { errorAnswer, parseJsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';

/**
 * Operations whose API model leaves StreamName optional (a stream may be named by StreamARN
 * instead): those the front names by StreamARN but CreateStream (it requires StreamName),
 * UpdateStreamMode (StreamARN) and ListShards (it may give a NextToken instead). A request naming
 * neither passes the model check; Kinesis refuses it after that.
 */
const OPTIONAL_STREAM_NAME: ReadonlySet<string> = new Set(
  [...NAMED_BY_STREAM_NAME].filter(
    (operation) => !['CreateStream', 'ListShards', 'UpdateStreamMode'].includes(operation),
  ),
);

const NULL_STREAM_NAME = violation(null, 'streamName', 'Member must not be null');
const COUNTED = /^\d+ validation errors? detected: /;

/** The refusal of a request that names its stream neither by StreamName nor by StreamARN. */
export const NO_STREAM_NAMED = 'Either StreamName or StreamARN should be provided.';

/**
 * The answer to `operation` as Kinesis gives it when the request named no stream: the backing
 * store (and the front's checks made in its words) hold StreamName required, as the API model
 * did before streams could be named by ARN. Its `Member must not be null` for streamName is
 * dropped from a ValidationException listing other members; alone, it becomes the
 * InvalidArgumentException Kinesis answers. Any other answer is returned as it is.
 */
export function withStreamNameOptional(operation: string, answer: UpstreamAnswer): UpstreamAnswer {
  if (answer.status !== 400 || !OPTIONAL_STREAM_NAME.has(operation)) return answer;
  const body = parseJsonObject(answer.body);
  const message = body?.message;
  if (
    typeof body?.__type !== 'string' ||
    !body.__type.endsWith('ValidationException') ||
    typeof message !== 'string' ||
    !COUNTED.test(message)
  ) {
    return answer;
  }
  const listed = message.replace(COUNTED, '').split(/; (?=Value )/);
  const rest = listed.filter((item) => item !== NULL_STREAM_NAME);
  if (rest.length === listed.length) return answer;
  return errorAnswer(rest.length === 0 ? invalidArgument(NO_STREAM_NAMED) : validationOf(rest));
}
