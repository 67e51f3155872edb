// A Nest microservice started as the README shows (enableShutdownHooks(), then listen()) whose
// start-up fails with an AbortedError no signal caused (a request aborted by the SDK's request
// handler): the bootstrap's failure handler ends the process with code 1. It used to let every
// AbortedError pass (for the shutdown a SIGTERM during listen() starts), so such a process ended
// with code 0 and no word (or, with a checkpointer's connection open, went on running without a
// consumer).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;
const root = join(__dirname, '..', '..');

it('an AbortedError from listen() that no signal caused ends the process with code 1', async () => {
  const child = spawn(process.execPath, [compiledScript(join(__dirname, 'fixtures', 'listenWorker.ts'))], {
    cwd: root,
    // Nothing listens there: every request is aborted before it is sent.
    env: { ...process.env, STREAM: 'orders', KINESIS_ENDPOINT: 'http://127.0.0.1:9', ABORT_AT_START: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    const outcome = await Promise.race([
      exited,
      new Promise<never>((_resolve, reject) =>
        setTimeout(() => reject(new Error(`no exit; printed ${JSON.stringify(lines)}`)), WAIT_MS),
      ),
    ]);

    expect(outcome).toEqual({ code: 1, signal: null });
    expect(lines[0]).toBe('listening');
    expect(lines[1]).toMatch(/^listen failed: AbortedError: .*aborted/);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
