import { toPythonJson } from '../../../src/processors/serializers/pythonJson';
import {
  MAX_NUMBER_BYTES,
  writeNullBytes,
  writeNumberBytes,
} from '../../../src/processors/serializers/pythonJsonNumberBytes';

/** What writeNumberBytes() writes at offset 3 of a buffer with room, as text; checks the offset it returns. */
function written(value: number): string {
  const bytes = new Uint8Array(3 + MAX_NUMBER_BYTES).fill(0x2a);
  const end = writeNumberBytes(bytes, 3, value);
  expect(bytes.subarray(0, 3)).toEqual(new Uint8Array([0x2a, 0x2a, 0x2a]));
  if (end < bytes.length) expect(bytes[end]).toBe(0x2a);
  return Buffer.from(bytes.subarray(3, end)).toString('latin1');
}

describe('writeNumberBytes', () => {
  it.each([
    0,
    -0,
    7,
    -7,
    10,
    99,
    100,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    1_700_000_000_000,
    -1_700_000_000_001,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    2 ** 53,
    1e21,
    1.5e300,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    0.1,
    -2.5,
    1e-4,
    1.5e-5,
    -1e-7,
    5e-324,
    123456.789,
    NaN,
    Infinity,
    -Infinity,
  ])('writes %p as toPythonJson(JSON.stringify()) does', (value) => {
    expect(written(value)).toBe(toPythonJson(JSON.stringify(value)));
  });

  it('never needs more than MAX_NUMBER_BYTES', () => {
    for (const value of [-Number.MAX_VALUE, -Number.MIN_VALUE, -1.234567890123457e-300])
      expect(written(value).length).toBeLessThanOrEqual(MAX_NUMBER_BYTES);
  });
});

describe('writeNullBytes', () => {
  it('writes null and returns the offset after it', () => {
    const bytes = new Uint8Array(6);
    expect(writeNullBytes(bytes, 1)).toBe(5);
    expect(Buffer.from(bytes.subarray(1, 5)).toString('latin1')).toBe('null');
  });
});
