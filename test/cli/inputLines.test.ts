import { PassThrough } from 'node:stream';
import { inputLines, type OverlongLine } from '../../src/cli/inputLines.js';

async function linesOf(
  chunks: ReadonlyArray<Buffer | string>,
  maxLineBytes = 1024,
): Promise<Array<string | OverlongLine>> {
  const read: Array<string | OverlongLine> = [];
  for await (const line of inputLines(chunks, { maxLineBytes })) read.push(line);
  return read;
}

describe('inputLines', () => {
  it('splits at LF and CRLF only, wherever the chunks end', async () => {
    expect(await linesOf(['a\rb\r', '\nc\n\n', 'd'])).toEqual(['a\rb', 'c', '', 'd']);
    expect(await linesOf([Buffer.from('x\r'), Buffer.from('\ny\r\n')])).toEqual(['x', 'y']);
    expect(await linesOf(['one\n'])).toEqual(['one']);
    expect(await linesOf([])).toEqual([]);
  });

  it('keeps a CR that ends the input with no LF after it: a lone CR is data', async () => {
    expect(await linesOf([Buffer.from('x\r'), Buffer.from('\ny\r')])).toEqual(['x', 'y\r']);
    expect(await linesOf(['a\n', '\r'])).toEqual(['a', '\r']);
    expect(await linesOf(['a\r\r'])).toEqual(['a\r\r']);
    // It counts against the bound as any byte of the line does.
    expect(await linesOf(['1234567\r'], 8)).toEqual(['1234567\r']);
    expect(await linesOf(['12345678', '\r'], 8)).toEqual([{ overlongBytes: 9 }]);
  });

  it('decodes UTF-8 split across chunks, and reads a byte that is not UTF-8 as U+FFFD', async () => {
    const emoji = Buffer.from('é😀\n', 'utf8');
    const chunks = Array.from(emoji, (byte) => Buffer.from([byte]));
    expect(await linesOf(chunks)).toEqual(['é😀']);
    expect(await linesOf([Buffer.from([0x61, 0xff, 0xfe, 0x0a, 0xc3])])).toEqual(['a\ufffd\ufffd', '\ufffd']);
  });

  it('drops a byte order mark that opens the input, and only that one', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(
      await linesOf([bom.subarray(0, 2), Buffer.concat([bom.subarray(2), Buffer.from('{}\n')])]),
    ).toEqual(['{}']);
    expect(await linesOf([Buffer.concat([bom, Buffer.from('a\n'), bom, Buffer.from('b')])])).toEqual([
      'a',
      '\ufeffb',
    ]);
  });

  it('drops the bytes of a longer line than the bound as they come, counting them', async () => {
    expect(await linesOf(['12345678\n', '123456789\nok'], 8)).toEqual([
      '12345678',
      { overlongBytes: 9 },
      'ok',
    ]);
    expect(await linesOf(['12345', '6789', '0'.repeat(100), '\nlast\n', 'x'.repeat(9)], 8)).toEqual([
      { overlongBytes: 109 },
      'last',
      { overlongBytes: 9 },
    ]);
  });

  it('does not count the CR of a CRLF against the bound, wherever the chunks end', async () => {
    expect(await linesOf(['12345678\r\n', '12345678\r', '\n', '123456789\r\n', '1234567\r\r\n'], 8)).toEqual([
      '12345678',
      '12345678',
      { overlongBytes: 10 },
      '1234567\r',
    ]);
    expect(await linesOf(['12345678\r\n'], 8)).toEqual(['12345678']);
    expect(await linesOf(['123456789'], 8)).toEqual([{ overlongBytes: 9 }]);
    expect(await linesOf(['12345678', '9\n'], 8)).toEqual([{ overlongBytes: 9 }]);
  });

  it('gives no further line once aborted, and ignores the input then destroyed', async () => {
    const input = new PassThrough();
    const reading = new AbortController();
    const read: Array<string | OverlongLine> = [];
    const done = (async () => {
      for await (const line of inputLines(input, { maxLineBytes: 64, signal: reading.signal })) {
        read.push(line);
        if (line === 'b') reading.abort();
      }
    })();
    input.write('a\nb\nc\n');
    await done;
    expect(read).toEqual(['a', 'b']);

    const waiting = new PassThrough();
    const stop = new AbortController();
    const lines = inputLines(waiting, { maxLineBytes: 64, signal: stop.signal });
    const next = lines.next();
    stop.abort();
    waiting.destroy();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });
});
