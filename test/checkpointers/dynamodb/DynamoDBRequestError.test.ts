// Case: an answer the SDK could not read as JSON (a proxy's page echoing a header) failed with
// V8's JSON.parse message, which quotes the start of the body, into DynamoDBRequestError's
// message.
import { DynamoDBRequestError } from '../../../src/checkpointers/dynamodb/errors/DynamoDBRequestError.js';

/** As the AWS SDK fails on an answer it cannot read: JSON.parse's error, a hint, the answer. */
function parseError(body: string): Error {
  try {
    JSON.parse(body);
  } catch (error) {
    const failure = error as Error;
    failure.message +=
      '\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';
    Object.defineProperty(failure, '$response', { value: { statusCode: 200, body }, enumerable: false });
    Object.assign(failure, { $responseBodyText: body });
    return failure;
  }
  throw new Error('parsed');
}

// V8 quotes the first ten characters of the body or so: the token stands there.
const failed = (cause: unknown): DynamoDBRequestError =>
  new DynamoDBRequestError({
    operation: 'PutItem',
    tableName: 'leases',
    attempts: 5,
    retriable: true,
    cause,
  });

test.each(['s3cr3t-token and the rest of the page', '<s3cr3t>', '{"t":s3cr3t}'])(
  'a body the SDK could not read is not quoted (%s)',
  (body) => {
    const cause = parseError(body);
    expect(cause.message).toContain('s3cr'); // V8 quotes it: what the error must not carry on
    const error = failed(cause);
    expect(error.message).not.toContain('s3cr');
    expect(error.message).toMatch(
      /^DynamoDB PutItem on table "leases" failed after 5 attempts: SyntaxError: .* \(the text is not shown\) is not valid JSON\n/,
    );
    const kept = error.cause as Error & { $responseBodyText?: unknown };
    expect(kept).toBeInstanceOf(SyntaxError);
    expect(kept.message).not.toContain('s3cr');
    // On every Node (an accessor of the engine from Node 22 on), redacted like the message.
    expect(kept.stack).toEqual(expect.stringContaining(`${kept.name}: ${kept.message}\n    at `));
    expect(kept.stack).not.toContain('s3cr');
    expect(kept.$responseBodyText).toBeUndefined();
  },
);

test('other causes keep their message', () => {
  const cause = Object.assign(new Error('Requested resource not found: Table: "leases" not found'), {
    name: 'ResourceNotFoundException',
  });
  expect(failed(cause).message).toBe(
    'DynamoDB PutItem on table "leases" failed after 5 attempts: ResourceNotFoundException: ' +
      'Requested resource not found: Table: "leases" not found',
  );
  expect(failed('reset').message).toMatch(/attempts: reset$/);
});
