/**
 * A guess at which processor wrote a record's bytes, for error messages when decoding fails
 * because producer and consumer disagree on the format. Pure and cheap: it looks at the framing
 * only (the KPL magic, a netstring header, brackets and newlines), never at whole items.
 */
export interface FormatGuess {
  /** What the bytes look like, e.g. "JSON lines". */
  readonly description: string;
  /** The processor that reads them, e.g. "jsonLineProcessor()". */
  readonly processor: string;
  /** Processor names (Processor.name) that read this format. */
  readonly names: readonly string[];
}

const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2] as const;
const NEWLINE = 0x0a;
const COMMA = 0x2c;

const KPL: FormatGuess = {
  description: 'a KPL aggregated record',
  processor: 'kplJsonProcessor() (or kplStringProcessor()/kplMsgpackProcessor())',
  names: ['kplJson', 'kplString', 'kplMsgpack'],
};
const NETSTRING: FormatGuess = {
  description: 'msgpack in netstrings',
  processor: 'msgpackProcessor()',
  names: ['msgpack'],
};
const JSON_LIST: FormatGuess = {
  description: 'a JSON list',
  processor: 'jsonListProcessor()',
  names: ['jsonList'],
};
const JSON_LINES: FormatGuess = {
  description: 'JSON lines',
  processor: 'jsonLineProcessor()',
  names: ['jsonLine'],
};
const JSON_ONE: FormatGuess = {
  description: 'one JSON value',
  processor: 'jsonProcessor()',
  names: ['json'],
};

/** The format `data` most likely has, or undefined when nothing stands out. */
export function guessRecordFormat(data: Uint8Array): FormatGuess | undefined {
  if (data.length >= 4 && KPL_MAGIC.every((byte, index) => data[index] === byte)) return KPL;
  if (looksLikeNetstring(data)) return NETSTRING;
  const text = firstAndLast(data);
  if (text === undefined) return undefined;
  const { first, last, innerNewline } = text;
  if (first === '[' && last === ']' && !innerNewline) return JSON_LIST;
  if (
    (first === '{' || first === '[' || first === '"') &&
    (innerNewline || data[data.length - 1] === NEWLINE)
  )
    return JSON_LINES;
  if ((first === '{' && last === '}') || (first === '"' && last === '"')) return JSON_ONE;
  return undefined;
}

/** A hint to add to a decode error when the bytes look like another processor's format. */
export function formatMismatchHint(data: Uint8Array, processorName: string): string | undefined {
  const guess = guessRecordFormat(data);
  if (guess === undefined || guess.names.includes(processorName)) return undefined;
  return `the record looks like ${guess.description} (read with ${guess.processor}); this consumer's processor is ${processorName}`;
}

function looksLikeNetstring(data: Uint8Array): boolean {
  let index = 0;
  while (
    index < data.length &&
    index < 10 &&
    (data[index] as number) >= 0x30 &&
    (data[index] as number) <= 0x39
  )
    index += 1;
  return index > 0 && data[index] === 0x3a && data[data.length - 1] === COMMA;
}

/** The first and last non-blank characters (ASCII), and whether a newline stands between two values. */
function firstAndLast(
  data: Uint8Array,
): { readonly first: string; readonly last: string; readonly innerNewline: boolean } | undefined {
  let start = 0;
  while (start < data.length && isBlank(data[start] as number)) start += 1;
  let end = data.length - 1;
  while (end > start && isBlank(data[end] as number)) end -= 1;
  if (start > end) return undefined;
  let innerNewline = false;
  for (let index = start; index < end; index += 1) {
    if (data[index] === NEWLINE) {
      innerNewline = true;
      break;
    }
  }
  return {
    first: String.fromCharCode(data[start] as number),
    last: String.fromCharCode(data[end] as number),
    innerNewline,
  };
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === NEWLINE;
}
