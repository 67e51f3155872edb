import { EventStreamCodec } from '@smithy/core/event-streams';
import { CBOR_CONTENT_TYPE, cborBytes } from '../cborExchange.js';

/** Content type of an HTTP response carrying an event stream. */
export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

function text(value: string): { type: 'string'; value: string } {
  return { type: 'string', value };
}

/**
 * How the payload of each message is encoded: in JSON, or in CBOR for a subscription called in
 * CBOR (the AWS SDK for Java reads the events of such a call with its CBOR parser).
 */
export type EventPayloadEncoding = 'json' | 'cbor';

function contentType(encoding: EventPayloadEncoding): { type: 'string'; value: string } {
  return text(encoding === 'cbor' ? CBOR_CONTENT_TYPE : 'application/json');
}

function encode(
  headers: Record<string, { type: 'string'; value: string }>,
  body: unknown,
  encoding: EventPayloadEncoding,
): Buffer {
  const cbor = encoding === 'cbor';
  const bytes = codec.encode({
    headers,
    body: cbor ? cborBytes(body) : Buffer.from(JSON.stringify(body), 'utf8'),
  });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The first message of a SubscribeToShard response: the (empty) initial response. */
export function initialResponseMessage(encoding: EventPayloadEncoding = 'json'): Buffer {
  return encode(
    {
      ':event-type': text('initial-response'),
      ':content-type': contentType(encoding),
      ':message-type': text('event'),
    },
    {},
    encoding,
  );
}

/** A SubscribeToShardEvent message. */
export function subscribeToShardEventMessage(
  event: Record<string, unknown>,
  encoding: EventPayloadEncoding = 'json',
): Buffer {
  return encode(
    {
      ':event-type': text('SubscribeToShardEvent'),
      ':content-type': contentType(encoding),
      ':message-type': text('event'),
    },
    event,
    encoding,
  );
}

/** A modeled exception sent inside the stream (e.g. ResourceNotFoundException, InternalFailureException). */
export function exceptionMessage(
  type: string,
  message: string,
  encoding: EventPayloadEncoding = 'json',
): Buffer {
  return encode(
    {
      ':exception-type': text(type),
      ':content-type': contentType(encoding),
      ':message-type': text('exception'),
    },
    { message },
    encoding,
  );
}
