import { InvalidArgumentError } from 'commander';
import {
  PROCESSOR_CHOICES,
  appendProcessor,
  parseEndpoint,
  parseFieldPath,
  parseProcessor,
  parseRegion,
  parseRetryLimit,
  parseStartPosition,
  parseStreamName,
  positiveIntegerFlag,
  positiveNumberFlag,
} from '../../src/cli/parseFlags.js';

describe('command-line flag parsers', () => {
  it('positive integers', () => {
    const parse = positiveIntegerFlag();
    expect(parse('50000')).toBe(50_000);
    expect(parse(' 7 ')).toBe(7);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '1e3', '0x10']) {
      expect(() => parse(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => positiveIntegerFlag(100)('101')).toThrow('expected an integer from 1 to 100');
  });

  it('retry limits: what the Producer takes (an integer >= 0, or infinity)', () => {
    expect(parseRetryLimit('0')).toBe(0);
    expect(parseRetryLimit('10')).toBe(10);
    expect(parseRetryLimit('5000')).toBe(5000);
    expect(parseRetryLimit('infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseRetryLimit('Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseRetryLimit('inf')).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['-1', '1.5', 'abc', '', '1e3', '0x10', 'NaN']) {
      expect(() => parseRetryLimit(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => parseRetryLimit('-3')).toThrow('expected an integer >= 0 (0: no retries) or infinity');
  });

  it('positive numbers up to a maximum', () => {
    const parse = positiveNumberFlag(1000);
    expect(parse('0.5')).toBe(0.5);
    expect(parse('1000')).toBe(1000);
    for (const bad of ['0', '-2', '1001', 'NaN', 'Infinity', ' '])
      expect(() => parse(bad)).toThrow(InvalidArgumentError);
  });

  it('processor names map to the library processors, case and suffix aside', () => {
    expect(PROCESSOR_CHOICES.map((choice) => choice.flag)).toEqual([
      'string',
      'json',
      'jsonline',
      'jsonlist',
      'msgpack',
      'kpljson',
      'kplstring',
      'kplmsgpack',
    ]);
    for (const choice of PROCESSOR_CHOICES) {
      const processor = choice.create();
      expect(processor.name.toLowerCase()).toBe(choice.flag);
      expect(choice.label.toLowerCase()).toBe(`${choice.flag}processor`);
    }
    expect(parseProcessor('JsonLineProcessor').flag).toBe('jsonline');
    expect(parseProcessor('kpl-json').flag).toBe('kpljson');
    expect(() => parseProcessor('avro')).toThrow(/^unknown processor; expected one of string, json/);
  });

  it('variadic processor lists keep order and drop repeats', () => {
    const list = ['json', 'kpljson', 'json'].reduce<ReturnType<typeof appendProcessor> | undefined>(
      (previous, value) => appendProcessor(value, previous),
      undefined,
    );
    expect(list!.map((choice) => choice.flag)).toEqual(['json', 'kpljson']);
  });

  it('start positions', () => {
    expect(parseStartPosition('trim-horizon')).toEqual({ iteratorType: 'TRIM_HORIZON' });
    expect(parseStartPosition('TRIM_HORIZON')).toEqual({ iteratorType: 'TRIM_HORIZON' });
    expect(parseStartPosition('latest')).toEqual({ iteratorType: 'LATEST' });
    expect(parseStartPosition('2026-01-31T12:00:00Z')).toEqual({
      iteratorType: 'AT_TIMESTAMP',
      timestamp: new Date(Date.UTC(2026, 0, 31, 12)),
    });
    expect(parseStartPosition('2026-01-31T12:00:00.250+02:00')).toEqual({
      iteratorType: 'AT_TIMESTAMP',
      timestamp: new Date(Date.UTC(2026, 0, 31, 10, 0, 0, 250)),
    });
    for (const bad of ['yesterday', '2026-13-01', '1700000000', '31/01/2026', '']) {
      expect(() => parseStartPosition(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('a start time still to come is refused with the flag (Kinesis would refuse the reading)', () => {
    expect(() => parseStartPosition('2999-01-31T12:00:00Z')).toThrow(
      /^read as 2999-01-31T12:00:00\.000Z, still to come by this machine's clock \(\d{4}-.*Z\); expected a time that has passed \(or latest, to read what comes from now on\)\.$/,
    );
    const justPassed = new Date(Date.now() - 1000).toISOString();
    expect(parseStartPosition(justPassed)).toEqual({
      iteratorType: 'AT_TIMESTAMP',
      timestamp: new Date(justPassed),
    });
  });

  it('a start time up to a minute ahead of this machine starts now, showing what arrived from it on', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 4, 22));
    try {
      // A clock a little behind the server's, or a time typed a moment early.
      expect(parseStartPosition('2026-12-04T22:00:01Z')).toEqual({
        iteratorType: 'AT_TIMESTAMP',
        timestamp: new Date(Date.UTC(2026, 11, 4, 22)),
        arrivedFrom: new Date(Date.UTC(2026, 11, 4, 22, 0, 1)),
      });
      expect(parseStartPosition('2026-12-04T22:01:00Z')).toMatchObject({
        arrivedFrom: new Date(Date.UTC(2026, 11, 4, 22, 1)),
      });
      expect(() => parseStartPosition('2026-12-04T22:01:00.001Z')).toThrow(/still to come/);
    } finally {
      now.mockRestore();
    }
  });

  it('a start time refused as still to come is shown as read, in UTC, with the clock it was judged by', () => {
    // A date alone is read as midnight UTC: at 22:00 UTC on the 4th, the 5th (already begun east of
    // UTC) is still to come. The message shows the instant read and this machine's time, so a
    // time zone or a clock set wrong can be seen.
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 4, 22));
    try {
      expect(() => parseStartPosition('2026-12-05')).toThrow(
        new InvalidArgumentError(
          "read as 2026-12-05T00:00:00.000Z, still to come by this machine's clock " +
            '(2026-12-04T22:00:00.000Z); expected a time that has passed (or latest, to read what ' +
            'comes from now on).',
        ),
      );
    } finally {
      now.mockRestore();
    }
  });

  it('endpoints, regions, stream names and field paths', () => {
    expect(parseEndpoint('http://127.0.0.1:4567')).toBe('http://127.0.0.1:4567');
    expect(() => parseEndpoint('127.0.0.1:4567')).toThrow(InvalidArgumentError);
    expect(() => parseEndpoint('ftp://host')).toThrow(InvalidArgumentError);
    expect(parseRegion('eu-west-1')).toBe('eu-west-1');
    expect(() => parseRegion('Europe')).toThrow(InvalidArgumentError);
    expect(parseStreamName('orders.v2')).toBe('orders.v2');
    expect(parseStreamName('arn:aws:kinesis:eu-west-1:123456789012:stream/orders')).toContain(
      'stream/orders',
    );
    expect(() => parseStreamName('bad name')).toThrow(InvalidArgumentError);
    expect(parseFieldPath('user.id')).toEqual(['user', 'id']);
    expect(() => parseFieldPath('user.')).toThrow(InvalidArgumentError);
    expect(() => parseFieldPath('')).toThrow(InvalidArgumentError);
  });
});
