import { startPosition } from '../../src/consumer/startPosition.js';

const latest = { iteratorType: 'LATEST' as const };

test('a stored position resumes after it, or at it inside an aggregated record', () => {
  expect(startPosition(latest, 's', { kind: 'position', position: { sequenceNumber: '42' } }, true)).toEqual({
    iteratorType: 'AFTER_SEQUENCE_NUMBER',
    sequenceNumber: '42',
    origin: 'checkpoint',
  });
  expect(
    startPosition(
      latest,
      's',
      { kind: 'position', position: { sequenceNumber: '42', subSequenceNumber: 3 } },
      false,
    ),
  ).toEqual({
    iteratorType: 'AT_SEQUENCE_NUMBER',
    sequenceNumber: '42',
    resumeAfterSubSequenceNumber: 3,
    origin: 'checkpoint',
  });
});

test('a child of a parent with anything stored starts at TRIM_HORIZON, whatever the configured start', () => {
  expect(startPosition(latest, 'child', undefined, true)).toEqual({
    iteratorType: 'TRIM_HORIZON',
    origin: 'parent',
  });
  const at = { iteratorType: 'AT_TIMESTAMP' as const, timestamp: new Date(5) };
  expect(startPosition(at, 'child', undefined, true)).toEqual({
    iteratorType: 'TRIM_HORIZON',
    origin: 'parent',
  });
});

test('a child of parents this consumer read from the configured AT_TIMESTAMP starts at that time', () => {
  const at = { iteratorType: 'AT_TIMESTAMP' as const, timestamp: new Date(5) };
  expect(startPosition(at, 'child', undefined, true, true)).toEqual({ ...at, origin: 'parent' });
  expect(startPosition(latest, 'child', undefined, true, true)).toEqual({
    iteratorType: 'TRIM_HORIZON',
    origin: 'parent',
  });
});

test('otherwise the configured start', () => {
  expect(startPosition(latest, 's', undefined, false)).toEqual({
    iteratorType: 'LATEST',
    origin: 'configured',
  });
  const at = { iteratorType: 'AT_TIMESTAMP' as const, timestamp: new Date(5) };
  expect(startPosition(at, 's', undefined, false)).toEqual({ ...at, origin: 'configured' });
  const seq = { iteratorType: 'AT_SEQUENCE_NUMBER' as const, sequenceNumber: { a: '7' } };
  expect(startPosition(seq, 'a', undefined, false)).toEqual({
    iteratorType: 'AT_SEQUENCE_NUMBER',
    sequenceNumber: '7',
    origin: 'configured',
  });
  expect(startPosition(seq, 'b', undefined, false)).toEqual({
    iteratorType: 'TRIM_HORIZON',
    origin: 'configured',
  });
});
