import { parseStartingPosition } from '../../../src/local/efo/subscriptionStart.js';

describe('SubscribeToShard StartingPosition', () => {
  it('reads each type', () => {
    expect(parseStartingPosition({ Type: 'TRIM_HORIZON' })).toEqual({ type: 'TRIM_HORIZON' });
    expect(parseStartingPosition({ Type: 'LATEST' })).toEqual({ type: 'LATEST' });
    expect(parseStartingPosition({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '123' })).toEqual({
      type: 'AT_SEQUENCE_NUMBER',
      sequenceNumber: '123',
    });
    expect(parseStartingPosition({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '9' })).toEqual({
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: '9',
    });
    expect(parseStartingPosition({ Type: 'AT_TIMESTAMP', Timestamp: 1_700_000_000.5 })).toEqual({
      type: 'AT_TIMESTAMP',
      timestampMs: 1_700_000_000_500,
    });
  });

  it.each([
    [undefined, 'ValidationException'],
    [{ Type: 'SOMEWHERE' }, 'ValidationException'],
    [{ Type: 'AT_SEQUENCE_NUMBER' }, 'InvalidArgumentException'],
    [{ Type: 'LATEST', SequenceNumber: '1' }, 'InvalidArgumentException'],
    [{ Type: 'AT_TIMESTAMP' }, 'InvalidArgumentException'],
  ])('refuses %j with %s', (position, type) => {
    expect(parseStartingPosition(position)).toMatchObject({ status: 400, type });
  });

  it.each([
    [{ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: 'abc' }, 'abc'],
    [{ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '0123' }, '0123'],
    [{ Type: 'TRIM_HORIZON', SequenceNumber: 'x' }, 'x'],
  ])('refuses %j outside the SequenceNumber pattern, as the model check does', (position, value) => {
    // The request is checked against the API model before the operation looks at it.
    expect(parseStartingPosition(position)).toEqual({
      status: 400,
      type: 'ValidationException',
      message:
        `1 validation error detected: Value '${value}' at 'startingPosition.sequenceNumber' failed to ` +
        'satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})',
    });
  });
});
