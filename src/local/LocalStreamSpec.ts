import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/** A stream to create when the server starts. */
export interface LocalStreamSpec {
  readonly name: string;
  readonly shards: number;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
/** Most shards a local stream may have; kinesalite keeps every shard in memory. */
export const MAX_LOCAL_SHARDS = 1000;

/** Validates `name` as a Kinesis stream name; throws InvalidOptionError otherwise. */
export function validateStreamName(name: unknown, option = 'streams.name'): string {
  if (typeof name !== 'string' || !STREAM_NAME.test(name)) {
    throw new InvalidOptionError(
      option,
      name,
      'a stream name must have 1 to 128 characters from a-z, A-Z, 0-9, "_", "." and "-"',
    );
  }
  return name;
}

/** Validates a shard count; throws InvalidOptionError otherwise. */
export function validateShardCount(shards: unknown, option = 'streams.shards'): number {
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > MAX_LOCAL_SHARDS) {
    throw new InvalidOptionError(
      option,
      shards,
      `expected an integer shard count from 1 to ${MAX_LOCAL_SHARDS}`,
    );
  }
  return shards;
}

/** Validates the `streams` option (a list of { name, shards } or an object { name: shards }). */
export function resolveStreams(streams: unknown): LocalStreamSpec[] {
  if (streams === undefined) return [];
  let entries: Array<[unknown, unknown]>;
  const listed = Array.isArray(streams);
  if (Array.isArray(streams)) {
    entries = streams.map((spec: unknown) => {
      if (typeof spec !== 'object' || spec === null) {
        throw new InvalidOptionError('streams', spec, 'expected { name: string, shards: number } entries');
      }
      const { name, shards } = spec as { name?: unknown; shards?: unknown };
      return [name, shards];
    });
  } else if (typeof streams === 'object' && streams !== null) {
    entries = Object.entries(streams);
  } else {
    throw new InvalidOptionError(
      'streams',
      streams,
      'expected a list of { name, shards } or an object { name: shards }',
    );
  }
  const seen = new Set<string>();
  return entries.map(([name, shards]) => {
    const streamName = validateStreamName(name);
    if (seen.has(streamName))
      throw new InvalidOptionError('streams.name', name, 'each stream may be listed once');
    seen.add(streamName);
    // In the object form the count is the value of the stream's own key: `streams.orders`.
    const option = listed ? 'streams.shards' : `streams${memberPath(streamName)}`;
    return { name: streamName, shards: validateShardCount(shards, option) };
  });
}

/** `.orders` for a name that reads as a JavaScript property name, else `["orders.eu-1"]`. */
function memberPath(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
