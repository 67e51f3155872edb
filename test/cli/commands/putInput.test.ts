// What `rxjs-kinesis put` makes of its input's edges: a directory given as stdin, and a CR that
// ends the input with no LF after it.
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { cliAgainst } from '../cliAgainst.js';
import { linesOf } from '../runCli.js';

describe('rxjs-kinesis put input', () => {
  const kinesis = useTestKinesis({ embedded: true });
  const cli = cliAgainst(kinesis);

  // Node reads a directory given as stdin as an empty stream: "0 lines read", status 0.
  it('fails on a directory as stdin, saying so', async () => {
    const stream = uniqueStreamName('cli-dir');
    await kinesis.createStream(stream, 1);
    const directory = openSync(tmpdir(), 'r');
    try {
      const put = await cli(['put', stream], { stdinFd: directory });
      expect(put.code).toBe(1);
      expect(put.stderr).toMatch(/^rxjs-kinesis: stdin is a directory \(EISDIR\)/m);
      expect(put.stderr).not.toContain('lines read');
    } finally {
      closeSync(directory);
    }
  }, 120_000);

  // A line ends at LF or CRLF only: a CR at the very end of the input is a lone CR, so data.
  it('sends a CR that ends the input with no LF after it as part of the last line', async () => {
    const stream = uniqueStreamName('cli-cr');
    await kinesis.createStream(stream, 1);
    const put = await cli(['put', stream, '-p', 'string'], { input: 'a\r\nb\rc\r\nlast\r' });
    expect(put.stderr).toContain(`put ${stream}: 3 lines read, 3 delivered, 0 failed`);
    expect(put.code).toBe(0);
    const tail = await cli(['tail', stream, '-p', 'string', '--from', 'trim-horizon', '--limit', '3']);
    expect(tail.code).toBe(0);
    const data = linesOf(tail.stdout).map((line) => (JSON.parse(line) as { data: string }).data);
    expect(data).toEqual(['a', 'b\rc', 'last\r']);
  }, 120_000);
});
