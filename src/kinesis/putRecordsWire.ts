import {
  PutRecordsCommand,
  type EncryptionType,
  type KinesisClient,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { HttpResponse } from '@smithy/core/transport';
import { readPutRecordsAnswer, type PutRecordsAnswer } from './putRecordsAnswer.js';
import { putRecordsBody, type PutRecordsEntry } from './putRecordsBody.js';
import type { StreamParams } from './streamAddress.js';

/**
 * PutRecords with the library's own request body and answer reader, inside the SDK client's own
 * middleware stack. The SDK's schema-based serializer and deserializer cost about 1 µs per small
 * entry; building the JSON body from base64 and JSON strings, and reading the answer with
 * JSON.parse, cost a fraction of that. Everything else stays the SDK's: the command goes through
 * the client's stack with `Records: []` and the stream fields (so endpoint rules, headers, the
 * target, content length, signing, retries and the request handler's deadlines are unchanged);
 * a middleware right after the serializer puts the real body in the request, and one right
 * before the deserializer reads a 200 answer itself and gives the SDK an empty body to read.
 * Answers other than 200, and 200 answers that are not of the expected shape, are left to the
 * SDK entirely.
 *
 * Only clients createKinesisClient built use it (a client of the caller's own may have middleware
 * that reads `input.Records`), and only while their middleware stack is the one they were built
 * with.
 */

/** A built client's middleware list when built; once checked, whether it may use the wire. */
const builtClients = new WeakMap<KinesisClient, readonly string[] | boolean>();

/** Names the SDK's `identify()` gives its serializer and deserializer middleware. */
const SERIALIZER = 'serializerMiddleware - serialize';
const DESERIALIZER = 'deserializerMiddleware - deserialize';

/** Runs inside the SDK's serializer (same step, lower priority): sees the request it made. */
const BODY_MIDDLEWARE = {
  name: 'rxjsKinesisPutRecordsBody',
  step: 'serialize',
  priority: 'low',
  override: true,
} as const;

/** Runs inside the SDK's deserializer (same step, lower priority): sees the raw answer first. */
const ANSWER_MIDDLEWARE = {
  name: 'rxjsKinesisPutRecordsAnswer',
  step: 'deserialize',
  priority: 'low',
  override: true,
} as const;

/** Called by createKinesisClient for each client it builds, once built. */
export function allowPutRecordsWire(client: KinesisClient): void {
  builtClients.set(client, client.middlewareStack.identify());
}

/**
 * Sends one PutRecords call for `entries` to the stream `stream` names. With a client
 * createKinesisClient built (and whose middleware is unchanged), the body and the answer are the
 * library's own; otherwise it is a plain PutRecordsCommand. Either way the output's `Records`
 * hold one result per entry when Kinesis answered entry by entry. `abortSignal` aborts the call.
 */
export function sendPutRecords(
  client: KinesisClient,
  stream: StreamParams,
  entries: readonly PutRecordsEntry[],
  abortSignal?: AbortSignal,
): Promise<PutRecordsCommandOutput> {
  if (!putRecordsWireUsable(client)) {
    const command = new PutRecordsCommand({ ...stream, Records: sdkEntries(entries) });
    return abortSignal === undefined ? client.send(command) : client.send(command, { abortSignal });
  }
  const exchange = new PutRecordsExchange(client, stream, entries);
  const command = new PutRecordsCommand({ ...stream, Records: [] });
  command.middlewareStack.add(exchange.writeBody as never, BODY_MIDDLEWARE);
  command.middlewareStack.add(exchange.readAnswer as never, ANSWER_MIDDLEWARE);
  const answer = abortSignal === undefined ? client.send(command) : client.send(command, { abortSignal });
  return answer.then((output) => exchange.complete(output));
}

/** Whether PutRecords calls on `client` use the wire: checked once per client. */
export function putRecordsWireUsable(client: KinesisClient): boolean {
  const state = builtClients.get(client);
  if (state === undefined || typeof state === 'boolean') return state === true;
  const names = client.middlewareStack.identify();
  const usable =
    client.config.cacheMiddleware !== true &&
    typeof client.config.streamCollector === 'function' &&
    names.length === state.length &&
    names.every((name, i) => name === state[i]) &&
    names.includes(SERIALIZER) &&
    names.includes(DESERIALIZER);
  builtClients.set(client, usable);
  return usable;
}

function sdkEntries(entries: readonly PutRecordsEntry[]): PutRecordsRequestEntry[] {
  const records = new Array<PutRecordsRequestEntry>(entries.length);
  for (let i = 0; i < entries.length; i += 1) {
    const { data, partitionKey, explicitHashKey } = entries[i]!;
    records[i] =
      explicitHashKey === undefined
        ? { Data: data, PartitionKey: partitionKey }
        : { Data: data, PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey };
  }
  return records;
}

interface Args {
  request?: unknown;
  [key: string]: unknown;
}
interface Result {
  response: unknown;
  [key: string]: unknown;
}
type Next<R> = (args: Args) => Promise<R>;

/**
 * One PutRecords call: its body (built once, sent again as it is when the SDK retries the
 * request) and the answer of the attempt that got one.
 */
class PutRecordsExchange {
  private body: Uint8Array | undefined;
  private attempts = 0;
  private answer: PutRecordsAnswer | undefined;

  constructor(
    private readonly client: KinesisClient,
    private readonly stream: StreamParams,
    private readonly entries: readonly PutRecordsEntry[],
  ) {}

  readonly writeBody =
    (next: Next<unknown>) =>
    (args: Args): Promise<unknown> => {
      const request = args.request as { body?: unknown } | null | undefined;
      if (typeof request !== 'object' || request === null) {
        // Never send the command's empty Records list (the SDK's serializer always makes a request).
        return Promise.reject(new Error('PutRecords: no serialized request to put the records in'));
      }
      this.body ??= putRecordsBody(this.stream, this.entries);
      request.body = this.body;
      return next(args);
    };

  readonly readAnswer =
    (next: Next<Result>) =>
    async (args: Args): Promise<Result> => {
      this.attempts += 1;
      const attempt = this.attempts;
      this.answer = undefined;
      const result = await next(args);
      const { response } = result;
      if (!HttpResponse.isInstance(response) || response.statusCode !== 200) return result;
      let bytes: Uint8Array;
      try {
        bytes = await this.collect(response.body);
      } catch (error) {
        throw withResponseMetadata(error, response);
      }
      const answer = readPutRecordsAnswer(bytes);
      if (answer === undefined) {
        response.body = bytes;
        return result;
      }
      if (attempt === this.attempts) this.answer = answer;
      response.body = new Uint8Array(0);
      return result;
    };

  /** The SDK's output, with the records of the answer this exchange read. */
  complete(output: PutRecordsCommandOutput): PutRecordsCommandOutput {
    const answer = this.answer;
    if (answer === undefined) return output;
    output.Records = answer.records;
    if (answer.failedRecordCount !== undefined) output.FailedRecordCount = answer.failedRecordCount;
    if (answer.encryptionType !== undefined) output.EncryptionType = answer.encryptionType as EncryptionType;
    return output;
  }

  /** The answer's bytes, read as the SDK reads them (its collectBody). */
  private collect(body: unknown): Promise<Uint8Array> {
    if (body instanceof Uint8Array) return Promise.resolve(body);
    if (body === undefined || body === null) return Promise.resolve(new Uint8Array(0));
    return this.client.config.streamCollector(body);
  }
}

/**
 * Adds to an error met while reading a 200 answer's body what the SDK's deserializer adds when
 * it meets one there itself ($response, $metadata with the status and request id), so it is
 * classified as before.
 */
function withResponseMetadata(error: unknown, response: HttpResponse): unknown {
  if (typeof error !== 'object' || error === null || '$metadata' in error) return error;
  try {
    Object.defineProperty(error, '$response', { value: response, enumerable: false });
    const requestId = Object.entries(response.headers).find(([name]) =>
      /^x-[\w-]+-request-?id$/.test(name),
    )?.[1];
    Object.assign(error, { $metadata: { httpStatusCode: response.statusCode, requestId } });
  } catch {
    // A frozen error goes as it is.
  }
  return error;
}
