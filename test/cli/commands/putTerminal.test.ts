// `rxjs-kinesis put orders` typed at a terminal, without a pipe: it says what it waits for.
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { registerPutCommand } from '../../../src/cli/commands/put.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});

afterAll(async () => {
  await kinesis.close();
});

async function put(stream: string, stdin: Readable): Promise<string> {
  let stderr = '';
  const program = new Command('rxjs-kinesis').exitOverride();
  registerPutCommand(program, { stdin, stderr: { write: (text) => (stderr += text) }, handleSignals: false });
  await program.parseAsync(['put', stream, '--endpoint', kinesis.endpoint, '--region', kinesis.region], {
    from: 'user',
  });
  return stderr;
}

describe('rxjs-kinesis put', () => {
  it('tells a terminal user how to end the input', async () => {
    const stream = uniqueStreamName('cli-tty');
    await kinesis.createStream(stream, 1);
    const terminal = Object.assign(Readable.from(['{"n":1}\n']), { isTTY: true });
    const stderr = await put(stream, terminal);
    expect(stderr).toContain(`put ${stream}: type one item per line; Ctrl+D ends the input, Ctrl+C stops`);
    expect(stderr).toContain(`put ${stream}: 1 line read, 1 delivered, 0 failed`);
  });

  it('says nothing of the kind when stdin is a pipe or a file', async () => {
    const stream = uniqueStreamName('cli-tty');
    await kinesis.createStream(stream, 1);
    const stderr = await put(stream, Readable.from(['{"n":1}\n']));
    expect(stderr).not.toContain('Ctrl+D');
    expect(stderr).toContain(`put ${stream}: 1 line read, 1 delivered, 0 failed`);
  });
});
