// Case: a stream ARN given with a credential inside it (a token glued on as a query string, a
// secret key pasted as the region or the stream name). The ARN is refused, and the message quotes
// it cut off after 77 characters: the cut credential no longer read as one and was shown in part.
// Every part of an ARN that reads as a credential is now replaced before the value is cut.
import { inspect } from 'node:util';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { redactText } from '../../src/errors/redact.js';
import { redactArnCredentials } from '../../src/errors/redactArn.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { Producer } from '../../src/producer/Producer.js';

// The examples AWS's documentation uses.
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${'AbC1dEf2GhI3'.repeat(20)}==`;
const STREAM = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';

const cases: Array<[string, string, string]> = [
  ['a query string', `${STREAM}?token=${SESSION_TOKEN}`, SESSION_TOKEN.slice(0, 12)],
  ['a query string with more after it', `${STREAM}?x=${SECRET_ACCESS_KEY}&y=1`, 'wJalr'],
  ['a secret-named query parameter', `${STREAM}?secretAccessKey=${SECRET_ACCESS_KEY}`, 'wJalr'],
  ['the stream name', `arn:aws:kinesis:us-east-1:123456789012:stream/${SECRET_ACCESS_KEY}`, 'wJalr'],
  ['the account', `arn:aws:kinesis:us-east-1:${ACCESS_KEY_ID}:stream/orders`, 'AKIA'],
  ['the region', `arn:aws:kinesis:${SECRET_ACCESS_KEY}:123456789012:stream/orders`, 'wJalr'],
];

function thrown(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('a credential inside a refused stream ARN', () => {
  it.each(cases)('in %s is not shown by a producer or consumer', (_where, arn, start) => {
    for (const make of [
      () => new Producer({ streamName: arn, region: 'us-east-1' }),
      () => fromKinesis({ streamName: arn, region: 'us-east-1' }),
    ]) {
      const error = thrown(make);
      const shown = [error.message, String(error.stack), inspect(error), JSON.stringify(error)].join('\n');
      expect(shown).not.toContain(start);
      expect(error.message).toContain('[redacted]');
      // Where the error is still says which ARN: its start is shown.
      expect(error.message).toContain('arn:aws:kinesis:');
    }
  });

  it.each(cases)('in %s is replaced in a text', (_where, arn, start) => {
    const text = redactText(`stream ${arn} refused`);
    expect(text).not.toContain(start);
    expect(text).toMatch(/^stream arn:aws:kinesis:\S*\[redacted\]\S* refused$/);
  });

  it('leaves an ARN without a credential as it is', () => {
    for (const arn of [STREAM, `${STREAM}-2026-eu`, `${STREAM}/consumer/app:1700000000`, `${STREAM}?x=1`]) {
      expect(redactArnCredentials(arn, '[redacted]')).toBe(arn);
      expect(redactText(`got "${arn}"`)).toBe(`got "${arn}"`);
    }
  });

  it("leaves a stream or consumer ARN whose words add up to a credential's shape as it is", () => {
    // "stream/Orders2024/consumer/AppConsumer12" is 40 characters of mixed case and digits.
    for (const arn of [
      'arn:aws:kinesis:eu-west-1:123456789012:stream/Orders2024/consumer/AppConsumer12:1700000000',
      'arn:aws:kinesis:eu-west-1:123456789012:stream/Orders2024Abc/consumer/App1234567:1700000000',
    ]) {
      expect(redactArnCredentials(arn, '[redacted]')).toBe(arn);
      expect(redactText(`consumer ${arn} not found`)).toBe(`consumer ${arn} not found`);
    }
    // A credential between its words is still found.
    expect(redactText(`${STREAM}/consumer/${SECRET_ACCESS_KEY}:1`)).toBe(`${STREAM}/consumer/[redacted]:1`);
  });

  it('keeps what surrounds the credential', () => {
    expect(redactArnCredentials(`${STREAM}?x=${SECRET_ACCESS_KEY}&y=1`, '[redacted]')).toBe(
      `${STREAM}?x=[redacted]&y=1`,
    );
  });
});
