import {
  DescribeStreamSummaryCommand,
  ListStreamsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { firstRefusal, NEXT_TOKEN, STREAM_NAME, stringMemberRefusal } from './modelValidation.js';
import { invalidArgument, rangeRefusal, type AwsErrorAnswer } from './awsErrors.js';
import type { StreamMode } from './StreamModes.js';
import type { JsonObject } from './UpstreamAnswer.js';

/** What one ListStreams answer holds at most, whatever its Limit (AWS: 100). */
export const MAX_STREAMS_PER_PAGE = 100;
const MAX_LIMIT = 10_000;
const TOKEN_LIFETIME_MS = 300_000;

/** What a ListStreams request asks for, once its NextToken (if any) is unpacked. */
export interface ListStreamsQuery {
  /** Only streams after this name. */
  readonly after: string | undefined;
  readonly limit: number;
}

interface TokenBody {
  /** The last stream name of the page before. */
  readonly a: string;
  /** When the token was given (ms). */
  readonly t: number;
}

/**
 * Reads a ListStreams request. Undefined: a Limit out of range with a well-formed NextToken (if
 * any), which the backing store refuses in the AWS words. A NextToken carries on from its page (it wins over ExclusiveStartStreamName).
 */
export function parseListStreams(
  payload: JsonObject,
  now: number,
): ListStreamsQuery | AwsErrorAnswer | undefined {
  const limit = payload.Limit ?? MAX_STREAMS_PER_PAGE;
  const token = payload.NextToken;
  const start = payload.ExclusiveStartStreamName;
  const badLimit = typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT;
  // A NextToken is a model member too (1 to 1,048,576 characters), listed with the others.
  const badToken = stringMemberRefusal('nextToken', token, NEXT_TOKEN);
  if (badToken !== undefined) {
    return firstRefusal(
      badLimit ? rangeRefusal(limit, 'limit', 1, MAX_LIMIT) : undefined,
      stringMemberRefusal('exclusiveStartStreamName', start, STREAM_NAME),
      badToken,
    );
  }
  if (badLimit) return undefined;
  const capped = Math.min(limit, MAX_STREAMS_PER_PAGE);
  if (token !== undefined && token !== null) {
    const body = decodeToken(token);
    if (body === undefined) return invalidArgument(`Invalid NextToken: ${String(token)}`);
    if (now - body.t > TOKEN_LIFETIME_MS) {
      return {
        status: 400,
        type: 'ExpiredNextTokenException',
        message: `Expired next token ${String(token)}`,
      };
    }
    return { after: body.a, limit: capped };
  }
  const badStart = stringMemberRefusal('exclusiveStartStreamName', start, STREAM_NAME);
  if (badStart !== undefined) return badStart;
  return { after: typeof start === 'string' ? start : undefined, limit: capped };
}

/** How the front describes a stream beyond what the backing store keeps. */
export interface StreamExtras {
  readonly modeOf: (streamName: string) => StreamMode;
  /** The status to show for a stream whose backing store status is `status`. */
  readonly statusOf: (streamName: string, status: string | undefined) => string | undefined;
}

/** One page of ListStreams as AWS answers it: names, summaries, HasMoreStreams and a NextToken. */
export async function listStreamsPage(
  admin: KinesisClient,
  query: ListStreamsQuery,
  extras: StreamExtras,
  now: number,
): Promise<JsonObject> {
  const listed = await admin.send(
    new ListStreamsCommand({
      Limit: query.limit,
      ...(query.after === undefined ? {} : { ExclusiveStartStreamName: query.after }),
    }),
  );
  const names = listed.StreamNames ?? [];
  const summaries: JsonObject[] = [];
  for (const name of names) {
    try {
      const { StreamDescriptionSummary: summary } = await admin.send(
        new DescribeStreamSummaryCommand({ StreamName: name }),
      );
      summaries.push({
        StreamName: name,
        StreamARN: summary?.StreamARN,
        StreamStatus: extras.statusOf(name, summary?.StreamStatus),
        StreamModeDetails: { StreamMode: extras.modeOf(name) },
        StreamCreationTimestamp: (summary?.StreamCreationTimestamp?.getTime() ?? now) / 1000,
      });
    } catch (error) {
      // A stream deleted meanwhile is left out of the summaries.
      if ((error as { name?: unknown }).name !== 'ResourceNotFoundException') throw error;
    }
  }
  const more = listed.HasMoreStreams === true && names.length > 0;
  const answer: JsonObject = { StreamNames: names, HasMoreStreams: more, StreamSummaries: summaries };
  if (more) {
    const body: TokenBody = { a: names[names.length - 1]!, t: now };
    answer.NextToken = Buffer.from(JSON.stringify(body)).toString('base64');
  }
  return answer;
}

function decodeToken(token: unknown): TokenBody | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const body = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<TokenBody>;
    return typeof body.a === 'string' && typeof body.t === 'number' ? (body as TokenBody) : undefined;
  } catch {
    return undefined;
  }
}
