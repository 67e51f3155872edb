/** A line longer than the bound: its bytes were counted and dropped, not kept. */
export interface OverlongLine {
  readonly overlongBytes: number;
}

export interface InputLinesOptions {
  /** Longest line kept, in bytes (without its line end); a longer one is an `OverlongLine`. */
  readonly maxLineBytes: number;
  /** Once aborted, no further line is given and the input's errors are ignored. */
  readonly signal?: AbortSignal;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = '\ufeff';

/**
 * The text of one line's bytes: UTF-8, an invalid byte read as U+FFFD; with `crlf`, the line
 * ended at an LF and a CR just before it is part of the line end, dropped.
 */
function lineText(parts: readonly Buffer[], bytes: number, crlf: boolean): string {
  const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
  const end = crlf && bytes > 0 && whole[bytes - 1] === CARRIAGE_RETURN ? bytes - 1 : bytes;
  return whole.toString('utf8', 0, end);
}

/**
 * The lines of a byte stream, split at `\n` only (a CR ends a line only as part of CRLF, so a
 * lone CR stays in its line, where JSON reads it as white space), each decoded as UTF-8. A line
 * is held only up to `maxLineBytes`: the rest of a longer one is counted and dropped as it
 * arrives, so that no input, even one without a line end, holds more memory than that. The last
 * line needs no line end (a CR that ends the input, with no LF after it, is a lone CR: it stays);
 * a UTF-8 byte order mark that opens the input is dropped.
 */
export async function* inputLines(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  options: InputLinesOptions,
): AsyncGenerator<string | OverlongLine> {
  const { maxLineBytes, signal } = options;
  const stopped = (): boolean => signal?.aborted === true;
  let parts: Buffer[] = [];
  let held = 0;
  let overlong = -1;
  const add = (piece: Buffer): void => {
    if (overlong >= 0) overlong += piece.length;
    // One byte more than the bound may be the CR of a CRLF: take() tells.
    else if (held + piece.length > maxLineBytes + 1) {
      overlong = held + piece.length;
      parts = [];
      held = 0;
    } else if (piece.length > 0) {
      parts.push(piece);
      held += piece.length;
    }
  };
  let first = true;
  /** The line held; `atLf`: it ended at an LF (else at the end of the input). */
  const take = (atLf: boolean): string | OverlongLine => {
    const lastPart = parts[parts.length - 1];
    const lineEndCr = atLf && lastPart !== undefined && lastPart[lastPart.length - 1] === CARRIAGE_RETURN;
    if (overlong < 0 && held - (lineEndCr ? 1 : 0) > maxLineBytes) overlong = held;
    let line: string | OverlongLine =
      overlong >= 0 ? { overlongBytes: overlong } : lineText(parts, held, atLf);
    // A byte order mark opens the input, not its first line (as a UTF-8 decoder reads it).
    if (first && typeof line === 'string' && line.startsWith(BYTE_ORDER_MARK)) line = line.slice(1);
    first = false;
    parts = [];
    held = 0;
    overlong = -1;
    return line;
  };
  try {
    for await (const chunk of input) {
      if (stopped()) return;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let start = 0;
      for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
        add(bytes.subarray(start, end));
        start = end + 1;
        const line = take(true);
        yield line;
        if (stopped()) return;
      }
      // A copy of a line's first part, kept past this chunk (a stream may reuse its buffer).
      if (start < bytes.length) add(Buffer.from(bytes.subarray(start)));
    }
  } catch (error) {
    if (stopped()) return;
    throw error;
  }
  if (held > 0 || overlong >= 0) yield take(false);
}
