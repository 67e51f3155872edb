// Ctrl+C on a put whose every line read is already confirmed (or that has read none): nothing
// is left to deliver, and it says so. It used to say "delivering the 0 lines not yet confirmed".
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { registerPutCommand } from '../../../src/cli/commands/put.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../../support/kinesis.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});

afterAll(async () => {
  await kinesis.close();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

it('on Ctrl+C with no line waiting for Kinesis says nothing is left to deliver', async () => {
  const stream = uniqueStreamName('cli-stop');
  await kinesis.createStream(stream, 1);
  const stdin = new PassThrough();
  let stderr = '';
  const before = new Set(process.listeners('SIGINT'));
  const program = new Command('rxjs-kinesis').exitOverride();
  registerPutCommand(program, { stdin, stderr: { write: (text) => (stderr += text) } });
  const done = program.parseAsync(
    ['put', stream, '--endpoint', kinesis.endpoint, '--region', kinesis.region, '--quiet'],
    { from: 'user' },
  );
  // put's own handler, called directly: a real SIGINT would reach the test runner's too.
  let onSignal: ((signal: NodeJS.Signals) => void) | undefined;
  while (onSignal === undefined) {
    onSignal = process.listeners('SIGINT').find((listener) => !before.has(listener)) as
      ((signal: NodeJS.Signals) => void) | undefined;
    if (onSignal === undefined) await sleep(20);
  }
  onSignal('SIGINT');
  await done;
  expect(stderr).toContain('SIGINT: reading stopped; nothing left to deliver');
  expect(stderr).not.toContain('delivering');
  expect(stderr).toContain(`put ${stream}: 0 lines read, 0 delivered, 0 failed`);
});
