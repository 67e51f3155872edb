import { EventStreamCodec } from '@smithy/core/event-streams';
import {
  exceptionMessage,
  initialResponseMessage,
  subscribeToShardEventMessage,
} from '../../../src/local/efo/eventStreamMessages.js';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

function decode(message: Buffer): { headers: Record<string, unknown>; body: unknown } {
  const decoded = codec.decode(message);
  const headers = Object.fromEntries(
    Object.entries(decoded.headers).map(([name, header]) => [name, header.value]),
  );
  return { headers, body: JSON.parse(Buffer.from(decoded.body).toString('utf8')) as unknown };
}

describe('SubscribeToShard event-stream messages', () => {
  it('frame the initial response, events and exceptions with the headers AWS sends', () => {
    expect(decode(initialResponseMessage())).toEqual({
      headers: {
        ':event-type': 'initial-response',
        ':content-type': 'application/json',
        ':message-type': 'event',
      },
      body: {},
    });
    const event = { Records: [], ContinuationSequenceNumber: '1', MillisBehindLatest: 0 };
    expect(decode(subscribeToShardEventMessage(event))).toEqual({
      headers: {
        ':event-type': 'SubscribeToShardEvent',
        ':content-type': 'application/json',
        ':message-type': 'event',
      },
      body: event,
    });
    expect(decode(exceptionMessage('ResourceNotFoundException', 'gone'))).toEqual({
      headers: {
        ':exception-type': 'ResourceNotFoundException',
        ':content-type': 'application/json',
        ':message-type': 'exception',
      },
      body: { message: 'gone' },
    });
  });
});
