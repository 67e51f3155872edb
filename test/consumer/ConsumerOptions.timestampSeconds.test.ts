// AT_TIMESTAMP with a number: epoch milliseconds. The Kinesis API, the AWS CLI, boto3 and the
// Python clients count epoch seconds; a seconds value taken as milliseconds names a day of
// January 1970 and would read every shard from its trim horizon. Refused, with the conversion.
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';

const atTimestamp = (timestamp: number | Date) =>
  fromKinesis({ streamName: 'orders', iteratorType: 'AT_TIMESTAMP', timestamp });

test('a number of epoch seconds is refused, naming the time it would be in milliseconds', () => {
  expect(() => atTimestamp(1_700_000_000)).toThrow(InvalidOptionError);
  expect(() => atTimestamp(1_700_000_000.5)).toThrow(
    /epoch seconds.*2023-11-14T22:13:20\.500Z: pass 1700000000500/,
  );
  expect(() => atTimestamp(0)).toThrow(InvalidOptionError);
});

test('epoch milliseconds and Dates are taken as before', () => {
  expect(() => atTimestamp(1_700_000_000_000)).not.toThrow();
  expect(() => atTimestamp(Date.now())).not.toThrow();
  expect(() => atTimestamp(new Date('2024-01-01T00:00:00Z'))).not.toThrow();
});
