import { configurationHint } from '../../src/cli/configurationHint.js';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';

/** An error as the AWS SDK's credential chain throws it when it finds nothing. */
function noCredentials(): Error {
  return Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });
}

describe('configurationHint', () => {
  it('says how to configure a region, or to use a local endpoint, when the SDK has no region', () => {
    expect(configurationHint(new Error('Region is missing'))).toBe(
      'pass --region (e.g. eu-west-1) or set AWS_REGION, ' +
        'or pass --endpoint http://127.0.0.1:4567 for a local Kinesis (rxjs-kinesis local)',
    );
    // AWS_REGION set but empty (or malformed).
    expect(
      configurationHint(new Error('Region not accepted: region="" is not a valid hostname component.')),
    ).toBe(configurationHint(new Error('Region is missing')));
  });

  it('does not tell a command pointed at an endpoint to pass one', () => {
    // `put orders --endpoint http://localstack:4566` with no AWS_REGION: the endpoint is given.
    expect(configurationHint(new Error('Region is missing'), true)).toBe(
      'pass --region (e.g. eu-west-1) or set AWS_REGION',
    );
    expect(configurationHint(noCredentials(), true)).toBe(
      'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  });

  it('says how to configure credentials, also where the library wrapped the SDK error', () => {
    const wrapped = classifyError(noCredentials(), { streamName: 'orders' });
    expect(wrapped.name).not.toBe('CredentialsProviderError');
    for (const error of [noCredentials(), wrapped]) {
      expect(configurationHint(error)).toMatch(
        /^set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --endpoint http:\/\/127\.0\.0\.1:4567 for a local Kinesis/,
      );
    }
  });

  it('says what to check, or how to create it, when the stream does not exist', () => {
    const missing = new StreamNotFoundError('Stream orders does not exist', {
      context: { streamName: 'orders' },
    });
    const expected =
      'check its name, --region and --endpoint, or create it ' +
      '(aws kinesis create-stream --stream-name orders --shard-count 1)';
    expect(configurationHint(missing)).toBe(expected);
    expect(configurationHint(new Error('reading failed', { cause: missing }))).toBe(expected);
  });

  it('has nothing to add to other failures', () => {
    expect(configurationHint(new Error('Stream orders does not exist'))).toBeUndefined();
    expect(configurationHint('Region is missing')).toBeUndefined();
    expect(configurationHint(undefined)).toBeUndefined();
  });
});
