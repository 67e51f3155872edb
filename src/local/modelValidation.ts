import type { AwsErrorAnswer } from './awsErrors.js';

const ONE_ERROR = '1 validation error detected: ';
const COUNTED = /^(\d+) validation errors? detected: /;
/** StreamName and ShardId: 1 to 128 characters of [a-zA-Z0-9_.-]. */
export const STREAM_NAME: StringConstraints = { min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const SHARD_ID: StringConstraints = STREAM_NAME;
/** A NextToken: 1 to 1,048,576 characters. */
export const NEXT_TOKEN: StringConstraints = { min: 1, max: 1_048_576 };

/** A string member's constraints in the API model. */
export interface StringConstraints {
  readonly min: number;
  readonly max: number;
  /** The regular expression as the model spells it (matched whole). */
  readonly pattern?: string;
}

/**
 * The model's check of a string member, given (a missing one is the operation's business):
 * every constraint it breaks, in one ValidationException; undefined if it passes. A value that
 * is not a string is left to the caller.
 */
export function stringMemberRefusal(
  member: string,
  value: unknown,
  constraints: StringConstraints,
): AwsErrorAnswer | undefined {
  const broken = stringMemberViolations(member, value, constraints);
  return broken.length === 0 ? undefined : validationOf(broken);
}

/**
 * Each constraint a string member breaks, as the model words it ("Value 'x' at 'member' failed
 * to satisfy constraint: ..."), in the model's order: pattern, least length, greatest length.
 * None for a value that is not a string.
 */
export function stringMemberViolations(
  member: string,
  value: unknown,
  constraints: StringConstraints,
): string[] {
  if (typeof value !== 'string') return [];
  const broken: string[] = [];
  const { min, max, pattern } = constraints;
  if (pattern !== undefined && !new RegExp(`^(?:${pattern})$`).test(value)) {
    broken.push(violation(value, member, `Member must satisfy regular expression pattern: ${pattern}`));
  }
  if (value.length < min)
    broken.push(violation(value, member, `Member must have length greater than or equal to ${min}`));
  if (value.length > max)
    broken.push(violation(value, member, `Member must have length less than or equal to ${max}`));
  return broken;
}

/**
 * The model's check of a required string member: `Value null ... Member must not be null` when
 * it is missing, else what `stringMemberViolations` finds.
 */
export function requiredStringViolations(
  member: string,
  value: unknown,
  constraints: StringConstraints,
): string[] {
  if (value === undefined || value === null) return [violation(null, member, 'Member must not be null')];
  return stringMemberViolations(member, value, constraints);
}

/**
 * The model's check of an enum member: `Member must not be null` when it is missing and
 * `required`, `Member must satisfy enum value set: [A, B]` when it is not one of `values`.
 */
export function enumViolations(
  member: string,
  value: unknown,
  values: readonly string[],
  required: boolean,
): string[] {
  if (value === undefined || value === null) {
    return required ? [violation(null, member, 'Member must not be null')] : [];
  }
  if (typeof value === 'string' && values.includes(value)) return [];
  return [violation(String(value), member, `Member must satisfy enum value set: [${values.join(', ')}]`)];
}

/**
 * One broken constraint as the model words it: `Value '<value>' at '<member>' failed to satisfy
 * constraint: <constraint>`, or `Value null at ...` for a missing value. `value` is the value as
 * Kinesis prints it (a blob as a Java byte buffer, a list as its members; see the callers).
 */
export function violation(value: string | null, member: string, constraint: string): string {
  const shown = value === null ? 'null' : `'${value}'`;
  return `Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`;
}

/** The ValidationException listing `violations` (at least one): "N validation errors detected: a; b". */
export function validationOf(violations: readonly string[]): AwsErrorAnswer {
  const counted = violations.length === 1 ? ONE_ERROR : `${violations.length} validation errors detected: `;
  return validation(`${counted}${violations.join('; ')}`);
}

/** The model's check of a StreamName, given: 1 to 128 characters of [a-zA-Z0-9_.-]. */
export function streamNameRefusal(value: unknown): AwsErrorAnswer | undefined {
  return stringMemberRefusal('streamName', value, STREAM_NAME);
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
