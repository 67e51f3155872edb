import { fork } from 'node:child_process';
import { join } from 'node:path';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { compiledScript } from '../support/compiledScript.js';
import { uniqueStreamName } from '../support/kinesis.js';
import type { ChildConfig } from './support/disposedProducerChild.js';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const childScript = join(__dirname, 'support', 'disposedProducerChild.ts');

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Kinesis never answers: the producer's first call is in flight, with a deadline of about two
// minutes, when it is disposed. A process whose producer is disposed ends by itself, though its
// client is not destroyed: the call was aborted and its deadline timer cancelled.
describe('a process whose producer was disposed with a call in flight through a caller’s client', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    local = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
  });
  afterAll(() => local.close());

  it.each<ChildConfig['mode']>(['unsubscribe', 'createStream', 'close'])('can exit (%s)', async (mode) => {
    const config: ChildConfig = {
      endpoint: local.endpoint,
      region: local.region,
      credentials: { ...local.credentials },
      streamName: uniqueStreamName('exit'),
      mode,
    };
    const holesBefore = local.stats.injectedBlackHoles;
    const child = fork(compiledScript(childScript), [JSON.stringify(config)], {
      cwd: root,
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    const messages: string[] = [];
    child.on('message', (message: string) => messages.push(message));
    let exited = false;
    child.once('exit', () => (exited = true));
    try {
      // A child can take seconds to start on a loaded machine.
      await until(() => messages.includes('started') || exited, `the child to start: ${stderr}`, 60_000);
      await until(() => local.stats.injectedBlackHoles > holesBefore, 'the unanswered call', 30_000);
      child.send('dispose');
      await until(
        () => messages.includes('disposed') || exited,
        `the producer to be disposed: ${stderr}`,
        30_000,
      );
      // Holding on would take the deadline (about two minutes); ending takes milliseconds.
      await until(() => exited, 'the child process to end by itself', 20_000);
      expect(child.exitCode).toBe(0);
    } finally {
      if (!exited) child.kill();
    }
  });
});
