import { EventStreamCodec } from '@smithy/core/event-streams';

/** Content type of an HTTP response carrying an event stream. */
export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

function text(value: string): { type: 'string'; value: string } {
  return { type: 'string', value };
}

function encode(headers: Record<string, { type: 'string'; value: string }>, body: unknown): Buffer {
  const bytes = codec.encode({ headers, body: Buffer.from(JSON.stringify(body), 'utf8') });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The first message of a SubscribeToShard response: the (empty) initial response. */
export function initialResponseMessage(): Buffer {
  return encode(
    {
      ':event-type': text('initial-response'),
      ':content-type': text('application/json'),
      ':message-type': text('event'),
    },
    {},
  );
}

/** A SubscribeToShardEvent message. */
export function subscribeToShardEventMessage(event: Record<string, unknown>): Buffer {
  return encode(
    {
      ':event-type': text('SubscribeToShardEvent'),
      ':content-type': text('application/json'),
      ':message-type': text('event'),
    },
    event,
  );
}

/** A modeled exception sent inside the stream (e.g. ResourceNotFoundException, InternalFailureException). */
export function exceptionMessage(type: string, message: string): Buffer {
  return encode(
    {
      ':exception-type': text(type),
      ':content-type': text('application/json'),
      ':message-type': text('exception'),
    },
    { message },
  );
}
