// Case: an AWS credential given where a plain value is expected (a secret access key passed as
// `region` or `streamName` by swapped environment variables). The option's name does not say
// secret, so its value was printed as it was: "Invalid option "region": got "wJalr…KEY"". A whole
// value that reads as an access key id, secret access key or session token is now replaced,
// whatever holds it; ordinary names, ids and numbers are still shown.
import { inspect } from 'node:util';
import { looksLikeCredential } from '../../src/errors/credentialShapes.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { redactText, redactValue } from '../../src/errors/redact.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { Producer } from '../../src/producer/Producer.js';

// The examples AWS's documentation uses.
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEXAMPLE${'AbC1dEf2GhI3'.repeat(20)}==`;

function thrown(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

function printed(error: InvalidOptionError): string {
  return [
    error.message,
    String(error.stack),
    inspect(error, { depth: Infinity }),
    JSON.stringify(error),
  ].join('\n');
}

it.each([
  ['a secret access key', SECRET_ACCESS_KEY],
  ['an access key id', ACCESS_KEY_ID],
  ['a session token', SESSION_TOKEN],
])('%s reads as a credential', (_, value) => {
  expect(looksLikeCredential(value)).toBe(true);
});

it.each([
  ['a region', 'eu-west-1'],
  ['a shard id', 'shardId-000000000001'],
  ['a sequence number', '49590338271490256608559692538361571095921575989136588898'],
  ['a hash key', '340282366920938463463374607431768211455'],
  ['a commit id (one case of letters)', '0ffc692a9b1c3d4e5f60718293a4b5c6d7e8f901'],
  ['a long stream name', 'orders-production-eu-west-1-primary-stream'],
  ['a word of 40 letters', 'Pneumonoultramicroscopicsilicovolcanoconiosis'.slice(0, 40)],
])('%s does not', (_, value) => {
  expect(looksLikeCredential(value)).toBe(false);
});

it('an invalid region holding a secret access key is not shown', () => {
  const error = thrown(() => fromKinesis({ streamName: 'orders', region: SECRET_ACCESS_KEY }));
  expect(error.option).toBe('region');
  expect(error.value).toBe('[redacted]');
  expect(error.message).toMatch(/^Invalid option "region": got "\[redacted\]"; expected an AWS region/);
  expect(printed(error)).not.toContain('EXAMPLEKEY');
});

it('a stream name holding a secret access key or a session token is not shown', () => {
  for (const value of [SECRET_ACCESS_KEY, SESSION_TOKEN]) {
    const error = thrown(() => new Producer({ streamName: value, region: 'eu-west-1' }));
    expect(error.option).toBe('streamName');
    expect(printed(error)).not.toContain('EXAMPLE');
  }
});

it('an ordinary invalid value is still shown', () => {
  const error = thrown(() => fromKinesis({ streamName: 'orders', region: 'EU_WEST_1' }));
  expect(error.message).toContain('got "EU_WEST_1"');
});

it('a credential nested in a value is replaced, the rest kept', () => {
  expect(redactValue({ region: 'eu-west-1', note: SECRET_ACCESS_KEY, ids: [ACCESS_KEY_ID] })).toEqual({
    region: 'eu-west-1',
    note: '[redacted]',
    ids: ['[redacted]'],
  });
});

describe('a quoted credential in a text', () => {
  it.each([
    ['a secret access key', SECRET_ACCESS_KEY],
    ['an access key id', ACCESS_KEY_ID],
    ['a session token', SESSION_TOKEN],
  ])('%s is replaced, the rest of the text kept', (_, value) => {
    expect(redactText(`Region not accepted: region="${value}" is not valid; got '${value}'`)).toBe(
      `Region not accepted: region="[redacted]" is not valid; got '[redacted]'`,
    );
  });

  it('ordinary quoted values and unquoted words are kept', () => {
    const text =
      'stream "orders-production-eu-west-1-primary-stream" commit "0ffc692a9b1c3d4e5f60718293a4b5c6d7e8f901" ' +
      'sequence "49590338271490256608559692538361571095921575989136588898" shard "shardId-000000000001"';
    expect(redactText(text)).toBe(text);
  });

  it('a secret key in AWS_REGION is not shown in the error of a producer that read it', async () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = SECRET_ACCESS_KEY;
    let producer: Producer<{ id: number }> | undefined;
    try {
      producer = new Producer({
        streamName: 'orders',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const failure: unknown = await producer.send({ id: 1 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      const shown = `${String(failure)}\n${inspect(failure, { depth: Infinity })}`;
      expect(shown).toContain('region="[redacted]"');
      expect(shown).not.toContain('EXAMPLEKEY');
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
      await producer?.close().catch(() => undefined);
    }
  }, 30_000);
});

it('a cause that is a credential on its own is replaced', () => {
  const error = new RxjsKinesisError('the identity call failed', { cause: SECRET_ACCESS_KEY });
  expect(error.cause).toBe('[redacted]');
  expect(inspect(error, { depth: Infinity })).not.toContain('EXAMPLEKEY');
});
