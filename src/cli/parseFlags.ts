import { InvalidArgumentError, Option } from 'commander';
import { parseStreamAddress } from '../kinesis/streamAddress.js';
import {
  jsonLineProcessor,
  jsonListProcessor,
  jsonProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  kplStringProcessor,
  msgpackProcessor,
  stringProcessor,
} from '../processors/namedProcessors.js';
import type { Processor } from '../processors/Processor.js';
import type { JsonSerializerOptions } from '../processors/serializers/JsonSerializerOptions.js';
import { EXACT_JSON_OPTIONS } from './exactJson.js';

/*
 * Flag parsers shared by the commands. Each throws commander's InvalidArgumentError with what it
 * expected, which the command line reports after the flag and its value as a one-line error with
 * exit status 2 (see invalidValueError.ts).
 */

/** A named processor the command line offers. */
export interface ProcessorChoice {
  /** The name on the command line, e.g. `jsonline`. */
  readonly flag: string;
  /** The library function that builds it, e.g. `jsonLineProcessor`. */
  readonly label: string;
  /** What one item is: a string (string processors) or any JSON value. */
  readonly input: 'string' | 'value';
  /**
   * The processor; with `exactIntegers`, a JSON processor keeps integers beyond 2^53 exact where
   * the runtime allows (put, tail; see exactJson.ts).
   */
  readonly create: (exactIntegers?: boolean) => Processor<unknown>;
}

/** Every processor the command line knows, in the order `bench` runs them by default. */
export const PROCESSOR_CHOICES: readonly ProcessorChoice[] = [
  { flag: 'string', label: 'stringProcessor', input: 'string', create: () => asUnknown(stringProcessor()) },
  { flag: 'json', label: 'jsonProcessor', input: 'value', create: (exact) => jsonProcessor(json(exact)) },
  {
    flag: 'jsonline',
    label: 'jsonLineProcessor',
    input: 'value',
    create: (exact) => jsonLineProcessor(json(exact)),
  },
  {
    flag: 'jsonlist',
    label: 'jsonListProcessor',
    input: 'value',
    create: (exact) => jsonListProcessor(json(exact)),
  },
  { flag: 'msgpack', label: 'msgpackProcessor', input: 'value', create: () => msgpackProcessor() },
  {
    flag: 'kpljson',
    label: 'kplJsonProcessor',
    input: 'value',
    create: (exact) => kplJsonProcessor(json(exact)),
  },
  {
    flag: 'kplstring',
    label: 'kplStringProcessor',
    input: 'string',
    create: () => asUnknown(kplStringProcessor()),
  },
  { flag: 'kplmsgpack', label: 'kplMsgpackProcessor', input: 'value', create: () => kplMsgpackProcessor() },
];

function json(exactIntegers = false): JsonSerializerOptions {
  return exactIntegers ? EXACT_JSON_OPTIONS : {};
}

const PROCESSOR_NAMES = PROCESSOR_CHOICES.map((choice) => choice.flag).join(', ');

function asUnknown(processor: Processor<string>): Processor<unknown> {
  return processor as Processor<unknown>;
}

/** An integer >= 1 (and <= max). */
export function positiveIntegerFlag(max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected a positive integer, e.g. 100.`
          : `expected an integer from 1 to ${max}.`,
      );
    }
    return Number(trimmed);
  };
}

/**
 * A retry limit as the library takes it: an integer >= 0 (0: no retries), or `infinity` (retry
 * until delivered).
 */
export function parseRetryLimit(value: string): number {
  const trimmed = value.trim();
  if (/^(?:inf|infinity)$/i.test(trimmed)) return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(trimmed)) {
    throw new InvalidArgumentError(`expected an integer >= 0 (0: no retries) or infinity.`);
  }
  return Number(trimmed);
}

/** A number > 0 (and <= max). */
export function positiveNumberFlag(max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > max) {
      throw new InvalidArgumentError(`expected a number > 0 and <= ${max}.`);
    }
    return number;
  };
}

/** One processor name (case-insensitive; `-`, `_` and a trailing `processor` are ignored). */
export function parseProcessor(value: string): ProcessorChoice {
  const key = value
    .toLowerCase()
    .replace(/[-_\s]/g, '')
    .replace(/processor$/, '');
  const choice = PROCESSOR_CHOICES.find((candidate) => candidate.flag === key);
  if (choice === undefined) {
    throw new InvalidArgumentError(`unknown processor; expected one of ${PROCESSOR_NAMES}.`);
  }
  return choice;
}

/** For variadic `--processors a b c` flags: each value is parsed and appended, without repeats. */
export function appendProcessor(
  value: string,
  previous: readonly ProcessorChoice[] | undefined,
): ProcessorChoice[] {
  const choice = parseProcessor(value);
  const list = previous ?? [];
  return list.includes(choice) ? [...list] : [...list, choice];
}

/** Where a consumer starts: `trim-horizon`, `latest`, or an ISO 8601 time (not in the future). */
export type StartPosition =
  | { readonly iteratorType: 'TRIM_HORIZON' | 'LATEST' }
  | {
      readonly iteratorType: 'AT_TIMESTAMP';
      readonly timestamp: Date;
      /**
       * A time given a little ahead of this machine's clock: the reading starts at `timestamp`
       * (this machine's time then) and only the items that arrived from this time on are shown.
       */
      readonly arrivedFrom?: Date;
    };

/**
 * How far ahead of this machine's clock a start time is taken: clocks a little apart (this
 * machine's behind the server's, a time typed or computed a moment early) are common, and
 * Kinesis, which refuses a reading that starts at a time still to come by its own clock, is not
 * asked to: the reading starts at this machine's time and the items that arrived before the time
 * given (by Kinesis's arrival times) are not shown.
 */
export const START_TIME_SKEW_MS = 60_000;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

export function parseStartPosition(value: string): StartPosition {
  const key = value.trim().toLowerCase().replace(/_/g, '-');
  if (key === 'trim-horizon' || key === 'earliest' || key === 'beginning')
    return { iteratorType: 'TRIM_HORIZON' };
  if (key === 'latest') return { iteratorType: 'LATEST' };
  const timestamp = new Date(value.trim());
  if (!ISO_TIME.test(value.trim()) || Number.isNaN(timestamp.getTime())) {
    throw new InvalidArgumentError(
      `expected trim-horizon, latest or an ISO 8601 time such as 2026-01-31T12:00:00Z.`,
    );
  }
  // Kinesis refuses to start a reading at a time still to come (GetShardIterator's
  // InvalidArgumentException): said here, with the flag, rather than as the service's words, for
  // a time more than START_TIME_SKEW_MS ahead (one less far ahead starts now, see StartPosition). The
  // instant read and this machine's time are shown: a date alone is midnight UTC, a time without
  // an offset is local, and a clock set wrong shows.
  const now = Date.now();
  if (timestamp.getTime() > now + START_TIME_SKEW_MS) {
    throw new InvalidArgumentError(
      `read as ${timestamp.toISOString()}, still to come by this machine's clock ` +
        `(${new Date(now).toISOString()}); expected a time that has passed (or latest, to read ` +
        `what comes from now on).`,
    );
  }
  if (timestamp.getTime() > now)
    return { iteratorType: 'AT_TIMESTAMP', timestamp: new Date(now), arrivedFrom: timestamp };
  return { iteratorType: 'AT_TIMESTAMP', timestamp };
}

/** An absolute http:// or https:// URL. */
export function parseEndpoint(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError(`expected an http:// or https:// URL such as http://127.0.0.1:4567.`);
  }
  return value;
}

/** An AWS region name such as eu-west-1. */
export function parseRegion(value: string): string {
  if (!/^[a-z]{2}(?:-[a-z0-9]+)+$/.test(value)) {
    throw new InvalidArgumentError(`expected an AWS region such as eu-west-1.`);
  }
  return value;
}

/** A stream name or stream ARN (the positional argument of put and tail). */
export function parseStreamName(value: string): string {
  try {
    parseStreamAddress(value, 'stream');
  } catch {
    throw new InvalidArgumentError(`expected a stream name (1 to 128 of a-z A-Z 0-9 _ . -) or a stream ARN.`);
  }
  return value;
}

/** A field name, or a dotted path into nested objects (`user.id`). */
export function parseFieldPath(value: string): string[] {
  const path = value.split('.');
  if (value.trim() === '' || path.some((part) => part === '')) {
    throw new InvalidArgumentError(`expected a field name such as userId or user.id.`);
  }
  return path;
}

/** The `-p, --processor <name>` option of the commands that read or write one format. */
export function processorOption(defaultName: string): Option {
  return new Option(
    '-p, --processor <name>',
    `record format: ${PROCESSOR_CHOICES.map((c) => c.flag).join(' ')}`,
  )
    .argParser(parseProcessor)
    .default(parseProcessor(defaultName), defaultName);
}
