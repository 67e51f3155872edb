import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AwsErrorAnswer } from './awsErrors.js';

/** An HTTP answer of the backing store, or one the front made up in its place. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A request or answer body of the Kinesis JSON 1.1 protocol. */
export type JsonObject = Record<string, unknown>;

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The body as a JSON object, or undefined if it is not one. */
export function parseJsonObject(body: Buffer): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON answer as Kinesis gives it (`headers` of an upstream answer are kept, bar the length). */
export function jsonAnswer(
  status: number,
  body: unknown,
  headers?: IncomingHttpHeaders,
  errorType?: string,
): UpstreamAnswer {
  const answerHeaders: IncomingHttpHeaders =
    headers === undefined
      ? {
          'content-type': JSON_CONTENT_TYPE,
          'x-amzn-requestid': randomUUID(),
          'x-amz-id-2': extendedRequestId(),
        }
      : { ...headers };
  if (errorType !== undefined) answerHeaders['x-amzn-errortype'] = errorType;
  return { status, headers: answerHeaders, body: Buffer.from(JSON.stringify(body)) };
}

/** An extended request id as Kinesis sends it in x-amz-id-2: 72 random bytes, base64. */
export function extendedRequestId(): string {
  return randomBytes(72).toString('base64');
}

export function errorAnswer(error: AwsErrorAnswer): UpstreamAnswer {
  // Kinesis spells the member `Message` in a SerializationException, `message` elsewhere.
  const body =
    error.type === 'SerializationException'
      ? { __type: error.type, Message: error.message }
      : { __type: error.type, message: error.message };
  return jsonAnswer(error.status, body, undefined, error.type);
}
