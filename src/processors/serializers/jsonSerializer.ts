import { Buffer } from '../../platform/buffer.js';
import { strictUtf8 } from '../strictUtf8.js';
import { DeserializationError } from '../errors/DeserializationError.js';
import { describeThrown } from '../../errors/describeThrown.js';
import { SerializationError } from '../errors/SerializationError.js';
import type { Serializer } from '../Serializer.js';
import {
  mayHoldLargeInteger,
  mayHoldLargeIntegerBytes,
  parseWithLargeIntegers,
  stringifyWithBigInts,
} from './exactIntegers.js';
import { jsonParseReason } from './jsonParseReason.js';
import { resolveJsonOptions, type JsonSerializerOptions } from './JsonSerializerOptions.js';
import { isStackOverflow } from './isStackOverflow.js';
import { parsePythonJsonExtensions, wholePythonJsonToken } from './parsePythonJsonExtensions.js';
import { pythonJsonBytes } from './pythonJsonBytes.js';
import { pythonJsonText } from './pythonJsonText.js';
import { writePythonJson, writePythonJsonText } from './pythonJsonWriter.js';
import { toBuffer } from './toBuffer.js';

export type { JsonLargeIntegers, JsonSerializerOptions, JsonStyle } from './JsonSerializerOptions.js';

/**
 * JSON items. Values are converted as JSON.stringify converts them (toJSON(), undefined
 * properties dropped, NaN and Infinity written as null). Decoding accepts any JSON text,
 * Python's spaced and `\u`-escaped output as well as compact output, and also Python's
 * non-standard NaN / Infinity / -Infinity tokens.
 */
export function jsonSerializer<T = unknown>(options: JsonSerializerOptions = {}): Serializer<T> {
  const { python, bigints } = resolveJsonOptions(options);
  const parse = bigints ? parseBigInts : parsePlain;
  return {
    name: 'json',
    serialize(item: T): Uint8Array {
      if (!python) return Buffer.from(bigints ? stringifyWithBigInts(item, same) : stringify(item), 'utf8');
      // Plain data is written straight to bytes; anything else (toJSON, class instances, bigints,
      // ...) takes JSON.stringify and the spacing pass.
      const written = writePythonJson(item);
      // With bigints, a number beyond 2^53 (written as an int here) is written again as a float.
      if (written !== undefined && !(bigints && mayHoldLargeIntegerBytes(written))) return written;
      if (!bigints) return pythonJsonBytes(stringify(item));
      return Buffer.from(stringifyWithBigInts(item, pythonJsonText), 'latin1');
    },
    deserialize(bytes: Uint8Array): T {
      const text = strictUtf8(toBuffer(bytes));
      if (text === undefined) throw new DeserializationError('json', 'item is not valid UTF-8');
      return parse<T>(text);
    },
    text: {
      // JSON.stringify escapes every control character, a line feed included; the Python
      // style also escapes everything outside printable ASCII.
      newlineFree: true,
      ascii: python,
      serialize(item: T): string {
        if (!python) return bigints ? stringifyWithBigInts(item, same) : stringify(item);
        const written = writePythonJsonText(item);
        if (written !== undefined && !(bigints && mayHoldLargeInteger(written))) return written;
        return bigints ? stringifyWithBigInts(item, pythonJsonText) : pythonJsonText(stringify(item));
      },
      deserialize: parse,
    },
  };
}

const same = (text: string): string => text;

/** JSON.stringify, failing with a SerializationError. */
function stringify(item: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(item);
  } catch (error) {
    throw new SerializationError('json', `cannot serialize item: ${describeThrown(error)}`, {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new SerializationError('json', `${typeof item} has no JSON representation`);
  }
  return text;
}

/**
 * JSON.parse, also accepting Python's NaN / Infinity tokens, failing with a DeserializationError.
 * An item that is a token alone (a list or lines of `NaN`) is read without a parse that fails.
 * Any other text is given to JSON.parse first, and to the token parser only when that fails: a
 * search of every item for the tokens cost ~10% of a small item's read, while items holding a
 * token inside are rare and pay ~10 µs each (a record of 1 MiB of them takes about twice what
 * as many other small items take).
 */
function parsePlain<T>(text: string): T {
  const whole = wholePythonJsonToken(text);
  if (whole !== undefined) return whole as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    return parseRefused<T>(text, error, false);
  }
}

/** parsePlain(), with integer tokens beyond 2^53 read as bigints. */
function parseBigInts<T>(text: string): T {
  const whole = wholePythonJsonToken(text);
  if (whole !== undefined) return whole as T;
  try {
    return parseWithLargeIntegers(text) as T;
  } catch (error) {
    return parseRefused<T>(text, error, true);
  }
}

/** A text JSON.parse refused: read with Python's tokens, else a DeserializationError. */
function parseRefused<T>(text: string, error: unknown, bigints: boolean): T {
  let tooDeep = isStackOverflow(error);
  if (!tooDeep) {
    const extended = parsePythonJsonExtensions(text, bigints);
    if (extended.ok) return extended.value as T;
    tooDeep = extended.tooDeep === true;
  }
  // A parse with a reviver (bigints, Python's tokens) recurses: a valid item nested thousands of
  // levels deep overflows it, which is not a fault of the JSON.
  if (tooDeep) throw new DeserializationError('json', `item is nested too deeply to read (${TOO_DEEP})`);
  // JSON.parse's own error quotes the item (see jsonParseReason): neither it nor the text is kept.
  throw new DeserializationError('json', `item is not valid JSON: ${jsonParseReason(error)}`);
}

const TOO_DEEP = 'Maximum call stack size exceeded';
