import type { Shard } from '@aws-sdk/client-kinesis';
import { invalidArgument, rangeRefusal, type AwsErrorAnswer } from './awsErrors.js';
import {
  firstRefusal,
  SHARD_ID,
  streamNameRefusal,
  stringMemberRefusal,
  stringMemberViolations,
  validationOf,
  violation,
  NEXT_TOKEN,
} from './modelValidation.js';
import { sequenceTimeMs } from './kinesaliteSequence.js';

type JsonObject = Record<string, unknown>;

/** The default page size, and the most shards one answer holds whatever MaxResults asks. */
const DEFAULT_MAX_RESULTS = 1000;
const MAX_RESULTS = 10_000;
const TOKEN_LIFETIME_MS = 300_000;
const RETENTION_MS = 24 * 60 * 60 * 1000;
const FILTER_TYPES = new Set([
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
]);

/** What a ListShards request asks for, once its NextToken (if any) is unpacked. */
export interface ListShardsQuery {
  readonly streamName: string;
  /** Only shards after this id (ExclusiveStartShardId, ShardFilter AFTER_SHARD_ID, or the token). */
  readonly after: string | undefined;
  readonly filter: { readonly type: string; readonly timestamp?: number } | undefined;
  readonly maxResults: number;
  /**
   * When the stream asked for was created (epoch ms, whole seconds), from StreamCreationTimestamp
   * or the NextToken: a stream of that name created at another time is not the one asked for.
   */
  readonly createdAt: number | undefined;
}

interface TokenBody {
  readonly s: string;
  readonly a: string;
  readonly f?: { readonly type: string; readonly timestamp?: number };
  readonly t: number;
  /** The stream's creation (epoch ms), so that a token never pages a stream created again. */
  readonly c?: number;
}

/** Timestamps arrive as epoch seconds (JSON number) or, from some clients, as strings. */
export function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && value.trim() !== '') {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return seconds * 1000;
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** Reads and checks a ListShards request; `now` dates and expires NextTokens. */
export function parseListShards(payload: JsonObject, now: number): ListShardsQuery | AwsErrorAnswer {
  const { StreamName: streamName, NextToken: token, ExclusiveStartShardId: exclusiveStart } = payload;
  const filter = payload.ShardFilter as JsonObject | undefined | null;
  const maxResults = payload.MaxResults ?? DEFAULT_MAX_RESULTS;
  const badMaxResults =
    typeof maxResults !== 'number' ||
    !Number.isInteger(maxResults) ||
    maxResults < 1 ||
    maxResults > MAX_RESULTS;
  // The model's checks first, every failure in one ValidationException.
  const modelRefusal = firstRefusal(
    badMaxResults ? rangeRefusal(maxResults, 'maxResults', 1, MAX_RESULTS) : undefined,
    stringMemberRefusal('exclusiveStartShardId', exclusiveStart, SHARD_ID),
    streamNameRefusal(streamName),
    stringMemberRefusal('nextToken', token, NEXT_TOKEN),
    shardFilterRefusal(filter),
  );
  if (modelRefusal !== undefined) return modelRefusal;
  if (typeof maxResults !== 'number') return rangeRefusal(maxResults, 'maxResults', 1, MAX_RESULTS);
  if (token !== undefined && token !== null) {
    if (streamName !== undefined)
      return invalidArgument('NextToken and StreamName cannot be provided together.');
    if (payload.StreamCreationTimestamp !== undefined && payload.StreamCreationTimestamp !== null)
      return invalidArgument('NextToken and StreamCreationTimestamp cannot be provided together.');
    if (exclusiveStart !== undefined && exclusiveStart !== null)
      return invalidArgument('NextToken and ExclusiveStartShardId cannot be provided together.');
    if (filter !== undefined && filter !== null)
      return invalidArgument('NextToken and ShardFilter cannot be provided together.');
    const body = decodeToken(token);
    if (body === undefined) return invalidArgument(`Invalid NextToken: ${String(token)}`);
    if (now - body.t > TOKEN_LIFETIME_MS) {
      return {
        status: 400,
        type: 'ExpiredNextTokenException',
        message: `Expired next token ${String(token)}`,
      };
    }
    return {
      streamName: body.s,
      after: body.a,
      filter: body.f,
      maxResults: Math.min(maxResults, DEFAULT_MAX_RESULTS),
      createdAt: body.c,
    };
  }
  if (typeof streamName !== 'string')
    return invalidArgument('Either NextToken or StreamName should be provided.');
  let after = typeof exclusiveStart === 'string' ? exclusiveStart : undefined;
  let parsedFilter: ListShardsQuery['filter'];
  if (filter !== undefined && filter !== null) {
    const type = filter.Type;
    if (typeof type !== 'string' || !FILTER_TYPES.has(type)) {
      return invalidArgument(
        `ShardFilter Type ${String(type)} is not one of ${[...FILTER_TYPES].join(', ')}.`,
      );
    }
    if (after !== undefined)
      return invalidArgument('ExclusiveStartShardId cannot be provided together with ShardFilter.');
    if (type === 'AFTER_SHARD_ID') {
      if (typeof filter.ShardId !== 'string')
        return invalidArgument('ShardFilter AFTER_SHARD_ID needs a ShardId.');
      after = filter.ShardId;
      parsedFilter = undefined;
    } else if (type === 'AT_TIMESTAMP' || type === 'FROM_TIMESTAMP') {
      const timestamp = epochMs(filter.Timestamp);
      if (timestamp === undefined) return invalidArgument(`ShardFilter ${type} needs a Timestamp.`);
      parsedFilter = { type, timestamp };
    } else {
      parsedFilter = { type };
    }
  }
  const created = epochMs(payload.StreamCreationTimestamp);
  return {
    streamName,
    after,
    filter: parsedFilter,
    maxResults: Math.min(maxResults, DEFAULT_MAX_RESULTS),
    createdAt: created === undefined ? undefined : Math.floor(created / 1000) * 1000,
  };
}

/**
 * The model's check of a ShardFilter: its Type is required and one of the six, its ShardId a shard
 * id. A member of another JSON type is left to the operation's own checks.
 */
function shardFilterRefusal(filter: JsonObject | undefined | null): AwsErrorAnswer | undefined {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) return undefined;
  const { Type: type, ShardId: shardId } = filter;
  const broken: string[] = [];
  if (type === undefined || type === null) {
    broken.push(violation(null, 'shardFilter.type', 'Member must not be null'));
  } else if (typeof type === 'string' && !FILTER_TYPES.has(type)) {
    broken.push(
      violation(
        type,
        'shardFilter.type',
        `Member must satisfy enum value set: [${[...FILTER_TYPES].join(', ')}]`,
      ),
    );
  }
  broken.push(...stringMemberViolations('shardFilter.shardId', shardId, SHARD_ID));
  return broken.length === 0 ? undefined : validationOf(broken);
}

/**
 * When each shard was open: from its parents' closing (or always) until its own closing (or now).
 * The backing store dates a closing to the second it fell in; it counts here as the end of that
 * second, when the shard was surely closed. So a shard closed a moment after a timestamp in the
 * same second is still open at it (its records from then on are not skipped), and its children
 * open at that same instant: at every timestamp exactly one generation covers each hash key.
 */
function lifetimes(shards: readonly Shard[]): Map<string, { opened: number; closed: number }> {
  const closedAt = new Map<string, number>();
  for (const shard of shards) {
    const ending = shard.SequenceNumberRange?.EndingSequenceNumber;
    if (ending === undefined) continue;
    const second = sequenceTimeMs(ending);
    closedAt.set(shard.ShardId!, second === undefined ? 0 : second + 1000);
  }
  const result = new Map<string, { opened: number; closed: number }>();
  for (const shard of shards) {
    const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (id): id is string => id !== undefined && id !== null && closedAt.has(id),
    );
    result.set(shard.ShardId!, {
      opened:
        parents.length === 0 ? Number.NEGATIVE_INFINITY : Math.max(...parents.map((id) => closedAt.get(id)!)),
      closed: closedAt.get(shard.ShardId!) ?? Number.POSITIVE_INFINITY,
    });
  }
  return result;
}

/** The shards a filter keeps, in shard id order. Times have the backing store's 1-second resolution. */
export function filterShards(
  shards: readonly Shard[],
  filter: ListShardsQuery['filter'],
  now: number,
): Shard[] {
  if (filter === undefined) return [...shards];
  const open = lifetimes(shards);
  const trimHorizon = now - RETENTION_MS;
  return shards.filter((shard) => {
    const { opened, closed } = open.get(shard.ShardId!)!;
    switch (filter.type) {
      case 'AT_LATEST':
        return closed === Number.POSITIVE_INFINITY;
      case 'AT_TRIM_HORIZON':
        return opened <= trimHorizon && closed > trimHorizon;
      case 'FROM_TRIM_HORIZON':
        return closed > trimHorizon;
      case 'AT_TIMESTAMP':
        return opened <= filter.timestamp! && closed > filter.timestamp!;
      case 'FROM_TIMESTAMP':
        return closed > filter.timestamp!;
      default:
        return true;
    }
  });
}

/**
 * One page of the answer, with a NextToken when shards remain. `createdAt`: when the stream
 * listed was created (epoch ms), kept in the token.
 */
export function listShardsPage(
  query: ListShardsQuery,
  shards: readonly Shard[],
  now: number,
  createdAt?: number,
): JsonObject {
  const kept = filterShards(shards, query.filter, now).filter(
    (shard) => query.after === undefined || shard.ShardId! > query.after,
  );
  const page = kept.slice(0, query.maxResults);
  const answer: JsonObject = { Shards: page.map(toJsonShard) };
  if (kept.length > page.length) {
    const body: TokenBody = {
      s: query.streamName,
      a: page[page.length - 1]!.ShardId!,
      ...(query.filter === undefined ? {} : { f: query.filter }),
      t: now,
      ...(createdAt === undefined ? {} : { c: createdAt }),
    };
    answer.NextToken = Buffer.from(JSON.stringify(body)).toString('base64');
  }
  return answer;
}

function decodeToken(token: unknown): TokenBody | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const body = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<TokenBody>;
    return typeof body.s === 'string' &&
      typeof body.a === 'string' &&
      typeof body.t === 'number' &&
      (body.c === undefined || typeof body.c === 'number')
      ? (body as TokenBody)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A shard as the JSON protocol writes it (the SDK's objects already use the wire names). */
export function toJsonShard(shard: Shard): JsonObject {
  return JSON.parse(JSON.stringify(shard)) as JsonObject;
}
