// Case: a log line's details hold something JSON.stringify refuses (a bigint inside an object, a
// throwing toJSON). Writing the line threw out of writeLog into whatever was logging (a retry, a
// lease event); the line is now written, with the detail shown as far as it can be.
import { writeLog } from '../../src/logging/writeLog.js';

function capture(details: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const keep = (line: string) => void lines.push(line);
  writeLog({ debug: keep, warn: keep, error: keep }, 'warn', 'something happened', details);
  return lines;
}

test('a bigint inside a detail is written as its digits', () => {
  expect(capture({ position: { sequence: 12345678901234567890n } })).toEqual([
    'rxjs-kinesis: something happened position={"sequence":"12345678901234567890"}',
  ]);
});

test('a detail whose toJSON throws is written as [unprintable], and the line still goes out', () => {
  const hostile = {
    toJSON() {
      throw new Error('no JSON for you');
    },
  };
  expect(capture({ hostile, attempt: 2 })).toEqual([
    'rxjs-kinesis: something happened hostile=[unprintable] attempt=2',
  ]);
});

test('a cycle inside a detail is still written', () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const [line] = capture({ cycle });
  expect(line).toMatch(/^rxjs-kinesis: something happened cycle=\{"a":1,/);
});
