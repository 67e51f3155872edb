import { invalidArgument, localAccountId, validationError, type AwsErrorAnswer } from './awsErrors.js';
import { badPattern, missingMember } from './efo/fanOutErrors.js';
import { typeMismatch } from './serializationErrors.js';
import type { JsonObject } from './UpstreamAnswer.js';

/**
 * The tag limits of the Kinesis API reference (AddTagsToStream, RemoveTagsFromStream,
 * TagResource, UntagResource and the Tag shape): at most 50 tags on a stream or consumer; keys
 * of 1 to 128 characters, values of 0 to 256; a request's Tags map holds at most 200 entries and
 * its TagKeys list 1 to 50 keys; Unicode letters, digits, white space (separators such as a space,
 * not tabs or line breaks) and _ . : / = + - % @ only;
 * and keys starting with `aws:` are reserved to AWS.
 */
export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_TAGS_PER_REQUEST = 200;
const MAX_TAG_KEYS_PER_REQUEST = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
const TAG_TEXT = /^[\p{L}\p{N}\p{Z}_.:/=+\-%@]*$/u;
const RESOURCE_ARN_PATTERN = 'arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+';
const RESOURCE_ARN = /^arn:aws.*:kinesis:.*:\d{12}:.*stream\/\S+$/;

/** A validated Tags map (key to value). */
export type TagMap = Readonly<Record<string, string>>;

/** A Tags map of strings with at least one tag (as CreateStream's, once checked). */
export function isTagMap(value: unknown): value is TagMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.values(value).every((tag) => typeof tag === 'string')
  );
}

function lengthsRefusal(
  member: string,
  shown: string,
  what: string,
  min: number,
  max: number,
): AwsErrorAnswer {
  return validationError(
    `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ` +
      `${what} must satisfy constraint: [Member must have length less than or equal to ${max}, ` +
      `Member must have length greater than or equal to ${min}]`,
  );
}

function countRefusal(
  member: string,
  shown: string,
  bound: 'greater' | 'less',
  limit: number,
): AwsErrorAnswer {
  return validationError(
    `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ` +
      `Member must have length ${bound} than or equal to ${limit}`,
  );
}

function invalidCharacters(): AwsErrorAnswer {
  return invalidArgument(
    'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . : / = + - % @.',
  );
}

function reservedPrefix(key: string): AwsErrorAnswer {
  return invalidArgument(`Tag key ${key} is invalid: keys starting with 'aws:' are reserved for AWS use.`);
}

function fail(error: AwsErrorAnswer): { readonly error: AwsErrorAnswer } {
  return { error };
}

function reserved(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

/** The Tags map of AddTagsToStream, TagResource or CreateStream, or why Kinesis refuses it. */
export function parseTagMap(value: unknown): { readonly tags: TagMap } | { readonly error: AwsErrorAnswer } {
  if (value === undefined || value === null) return fail(missingMember('tags'));
  const notMap = typeMismatch('Map', value);
  if (notMap !== undefined) return fail(notMap);
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [, tag] of entries) {
    const notString = typeMismatch('String', tag);
    if (notString !== undefined) return fail(notString);
  }
  const tags = value as Record<string, string>;
  const shown = `{${entries.map(([key, tag]) => `${key}=${String(tag)}`).join(', ')}}`;
  if (entries.length < 1) return fail(countRefusal('tags', shown, 'greater', 1));
  if (entries.length > MAX_TAGS_PER_REQUEST)
    return fail(countRefusal('tags', shown, 'less', MAX_TAGS_PER_REQUEST));
  if (entries.some(([key]) => key.length < 1 || key.length > MAX_KEY_LENGTH)) {
    return fail(lengthsRefusal('tags', shown, 'Map keys', 1, MAX_KEY_LENGTH));
  }
  if (entries.some(([, tag]) => (tag as string).length > MAX_VALUE_LENGTH)) {
    return fail(lengthsRefusal('tags', shown, 'Map value', 0, MAX_VALUE_LENGTH));
  }
  if (entries.some(([key, tag]) => !TAG_TEXT.test(key) || !TAG_TEXT.test(tag as string))) {
    return fail(invalidCharacters());
  }
  const reservedKey = Object.keys(tags).find(reserved);
  if (reservedKey !== undefined) return fail(reservedPrefix(reservedKey));
  return { tags };
}

/** The TagKeys list of RemoveTagsFromStream or UntagResource, or why Kinesis refuses it. */
export function parseTagKeys(
  value: unknown,
): { readonly keys: readonly string[] } | { readonly error: AwsErrorAnswer } {
  if (value === undefined || value === null) return fail(missingMember('tagKeys'));
  const notList = typeMismatch('List', value);
  if (notList !== undefined) return fail(notList);
  for (const key of value as unknown[]) {
    const notString = typeMismatch('String', key);
    if (notString !== undefined) return fail(notString);
  }
  const keys = value as string[];
  const shown = `[${keys.join(', ')}]`;
  if (keys.length < 1) return fail(countRefusal('tagKeys', shown, 'greater', 1));
  if (keys.length > MAX_TAG_KEYS_PER_REQUEST)
    return fail(countRefusal('tagKeys', shown, 'less', MAX_TAG_KEYS_PER_REQUEST));
  if (keys.some((key) => key.length < 1 || key.length > MAX_KEY_LENGTH)) {
    return fail(lengthsRefusal('tagKeys', shown, 'Member', 1, MAX_KEY_LENGTH));
  }
  if (keys.some((key) => !TAG_TEXT.test(key))) return fail(invalidCharacters());
  const reservedKey = keys.find(reserved);
  if (reservedKey !== undefined) return fail(reservedPrefix(reservedKey));
  return { keys };
}

/** The ResourceARN of TagResource, UntagResource or ListTagsForResource, or why it is refused. */
export function parseResourceArn(value: unknown): string | AwsErrorAnswer {
  if (value === undefined || value === null) return missingMember('resourceARN');
  if (typeof value !== 'string') return typeMismatch('String', value) ?? missingMember('resourceARN');
  if (value.length > 2048 || !RESOURCE_ARN.test(value))
    return badPattern('resourceARN', value, RESOURCE_ARN_PATTERN);
  return value;
}

/** A change that would leave a resource with more than 50 tags. */
export function tooManyTags(kind: 'stream' | 'consumer', name: string): AwsErrorAnswer {
  return invalidArgument(
    `Failed to add tags to ${kind} ${name} under account ${localAccountId()} because a given ${kind} ` +
      `cannot have more than ${MAX_TAGS_PER_RESOURCE} tags associated with it.`,
  );
}

/**
 * The Tags of a RegisterStreamConsumer (undefined when it gives none), or why Kinesis refuses
 * them: the checks of TagResource, and at most 50 of them.
 */
export function registrationTags(
  payload: JsonObject,
): { readonly tags: TagMap } | { readonly error: AwsErrorAnswer } | undefined {
  const { Tags: given, ConsumerName: consumerName } = payload;
  if (given === undefined || given === null) return undefined;
  const parsed = parseTagMap(given);
  if ('error' in parsed) return parsed;
  if (Object.keys(parsed.tags).length > MAX_TAGS_PER_RESOURCE) {
    return fail(tooManyTags('consumer', String(consumerName)));
  }
  return parsed;
}
