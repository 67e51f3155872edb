// Output that cannot be written (stdout on a full disk, here /dev/full): every command says so
// in one line and exits with status 1. `tail` printed the error and kept reading, for good; the
// others ended with an uncaught exception's stack trace.
import { closeSync, existsSync, openSync } from 'node:fs';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { linesOf, runCli } from './runCli.js';

const FULL = '/dev/full';
const ifFull = existsSync(FULL) ? describe : describe.skip;

ifFull('rxjs-kinesis with stdout on a full disk', () => {
  let kinesis: TestKinesis;
  let env: Record<string, string>;
  let full: number;

  beforeAll(async () => {
    kinesis = await startTestKinesis({ embedded: true });
    env = {
      AWS_ACCESS_KEY_ID: kinesis.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: kinesis.credentials.secretAccessKey,
      AWS_REGION: kinesis.region,
    };
    full = openSync(FULL, 'w');
  });

  afterAll(async () => {
    closeSync(full);
    await kinesis.close();
  });

  it('tail stops reading and exits with status 1', async () => {
    const stream = uniqueStreamName('cli-full');
    await kinesis.createStream(stream, 1);
    const put = await runCli(['put', stream, '--endpoint', kinesis.endpoint, '-q'], {
      env,
      input: '{"n":1}\n{"n":2}\n',
    });
    expect(put.code).toBe(0);
    const tail = await runCli(
      ['tail', stream, '--endpoint', kinesis.endpoint, '--from', 'trim-horizon', '-n', '2'],
      { env, stdoutFd: full, timeoutMs: 60_000 },
    );
    expect(tail.code).toBe(1);
    expect(linesOf(tail.stderr)).toEqual([
      'rxjs-kinesis: cannot write to stdout: ENOSPC: no space left on device, write',
    ]);
  }, 120_000);

  it.each([[['--help']], [['bench', '--dry-run', '-n', '10', '-p', 'json']]])(
    '%j says so in one line and exits with status 1',
    async (args) => {
      const result = await runCli(args, { env, stdoutFd: full });
      expect(result.code).toBe(1);
      expect(linesOf(result.stderr)).toEqual([
        'rxjs-kinesis: cannot write to stdout: ENOSPC: no space left on device, write',
      ]);
    },
    120_000,
  );
});
