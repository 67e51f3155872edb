import {
  ListShardsCommand,
  type KinesisClient,
  type ListShardsCommandInput,
  type Shard,
  type ShardFilter,
} from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { classifyError } from './classifyError.js';
import { LIST_SHARDS_DEFAULT_PAGE_SIZE, LIST_SHARDS_MAX_PAGE_SIZE } from './limits.js';
import { streamParams, type StreamAddress } from './streamAddress.js';

export interface ListShardsOptions {
  /** Passed to ListShards as `ShardFilter` (e.g. `{ Type: 'AT_LATEST' }` for open shards only). */
  readonly shardFilter?: ShardFilter;
  readonly abortSignal?: AbortSignal;
  /** Shards per ListShards call (`MaxResults`): 1 to 10000, default 1000. */
  readonly pageSize?: number;
}

/** Times a listing restarts from the first page after its NextToken expired (tokens last 300 s). */
const MAX_RESTARTS = 3;

/**
 * Every shard of the stream, in the order Kinesis lists them, following `NextToken` across pages.
 * Later pages send only `NextToken` (AWS rejects a stream name or ARN next to it); a listing whose
 * token expired starts over. Failures are thrown as typed errors (see classifyError).
 */
export async function listShards(
  client: KinesisClient,
  address: StreamAddress,
  options: ListShardsOptions = {},
): Promise<Shard[]> {
  const pageSize = options.pageSize ?? LIST_SHARDS_DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > LIST_SHARDS_MAX_PAGE_SIZE) {
    throw new InvalidOptionError(
      'pageSize',
      pageSize,
      `expected an integer from 1 to ${LIST_SHARDS_MAX_PAGE_SIZE}`,
    );
  }
  if (options.shardFilter !== undefined && typeof options.shardFilter?.Type !== 'string') {
    throw new InvalidOptionError('shardFilter', options.shardFilter, 'expected a ShardFilter with a Type');
  }
  const context = { streamName: address.streamName };
  const sendOptions = options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal };

  for (let restarts = 0; ; restarts += 1) {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const input: ListShardsCommandInput =
          nextToken === undefined
            ? {
                ...streamParams(address),
                MaxResults: pageSize,
                ...(options.shardFilter === undefined ? {} : { ShardFilter: options.shardFilter }),
              }
            : { NextToken: nextToken, MaxResults: pageSize };
        const page = await client.send(new ListShardsCommand(input), sendOptions);
        shards.push(...(page.Shards ?? []));
        nextToken = page.NextToken === undefined || page.NextToken === '' ? undefined : page.NextToken;
      } while (nextToken !== undefined);
      return shards;
    } catch (error) {
      const expired = (error as { name?: unknown } | null)?.name === 'ExpiredNextTokenException';
      if (!expired || restarts >= MAX_RESTARTS) throw classifyError(error, context);
    }
  }
}
