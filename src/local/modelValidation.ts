import type { AwsErrorAnswer } from './awsErrors.js';
import { badPattern } from './efo/fanOutErrors.js';

const ONE_ERROR = '1 validation error detected: ';
const COUNTED = /^(\d+) validation errors? detected: /;
const STREAM_NAME_MAX = 128;
const STREAM_NAME_PATTERN = '[a-zA-Z0-9_.-]+';
const STREAM_NAME = /^[a-zA-Z0-9_.-]+$/;

/**
 * The model's check of a StreamName, given (a missing one is the operation's business: the
 * stream may be named by ARN): 1 to 128 characters of [a-zA-Z0-9_.-]. Undefined if it passes;
 * a value that is not a string is left to the caller.
 */
export function streamNameRefusal(value: unknown): AwsErrorAnswer | undefined {
  if (typeof value !== 'string') return undefined;
  const shown = `Value '${value}' at 'streamName' failed to satisfy constraint: `;
  if (value.length === 0) {
    // Both constraints fail for an empty name.
    return validation(
      `2 validation errors detected: ${shown}Member must satisfy regular expression pattern: ` +
        `${STREAM_NAME_PATTERN}; ${shown}Member must have length greater than or equal to 1`,
    );
  }
  if (value.length > STREAM_NAME_MAX) {
    return validation(`${ONE_ERROR}${shown}Member must have length less than or equal to ${STREAM_NAME_MAX}`);
  }
  return STREAM_NAME.test(value) ? undefined : badPattern('streamName', value, STREAM_NAME_PATTERN);
}

/**
 * The answer to a request some of whose members failed: as Kinesis checks the whole request
 * against its model first, every ValidationException is reported in one ("N validation errors
 * detected: a; b"); other refusals (the operation's own checks) only when the model check passed.
 * Undefined when nothing failed.
 */
export function firstRefusal(
  ...refusals: ReadonlyArray<AwsErrorAnswer | undefined>
): AwsErrorAnswer | undefined {
  const failed = refusals.filter((refusal): refusal is AwsErrorAnswer => refusal !== undefined);
  const model = failed.filter((refusal) => refusal.type === 'ValidationException');
  if (model.length === 0) return failed[0];
  if (model.length === 1) return model[0];
  let count = 0;
  const parts = model.map((refusal) => {
    const counted = COUNTED.exec(refusal.message);
    count += counted === null ? 1 : Number(counted[1]);
    return counted === null ? refusal.message : refusal.message.slice(counted[0].length);
  });
  return validation(`${count} validation errors detected: ${parts.join('; ')}`);
}

function validation(message: string): AwsErrorAnswer {
  return { status: 400, type: 'ValidationException', message };
}
