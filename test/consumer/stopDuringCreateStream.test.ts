// Unsubscribing while `createStream: true` still waits for the stream it created to become
// ACTIVE: the stop ends that wait and its calls, and a process that stopped its consumer ends by
// itself. Once the run went on polling DescribeStreamSummary every second after stopped()
// resolved, until the stream was ACTIVE (or for two minutes), holding the process alive, and
// then went on with its start-up.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { compiledScript } from '../support/compiledScript.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { waitFor } from '../support/streamRecords.js';
import type { ChildConfig } from './support/stopWhileCreatingChild.js';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const childScript = join(__dirname, 'support', 'stopWhileCreatingChild.ts');

describe('a process that stopped its consumer while createStream waited for the stream', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    // A created stream stays CREATING for a minute (the most the local Kinesis allows): the old
    // run held the process that long after the stream was created.
    local = await startLocalKinesis({ streamStatusDelayMs: 60_000 });
  });
  afterAll(() => local.close());

  it.each([
    ['polling', undefined],
    ['enhanced fan-out', 'stop-creating'],
  ])('ends by itself (%s)', async (_, consumerName) => {
    const streamName = uniqueStreamName('stop-creating');
    const config: ChildConfig = {
      endpoint: local.endpoint,
      region: local.region,
      credentials: { ...local.credentials },
      streamName,
      ...(consumerName === undefined ? {} : { consumerName }),
    };
    const client = local.createClient();
    const status = async (): Promise<string | undefined> => {
      try {
        const output = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
        return output.StreamDescriptionSummary?.StreamStatus;
      } catch {
        return undefined;
      }
    };
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
      await waitFor(() => messages.includes('started') || exited, {
        timeoutMs: 60_000,
        message: () => `the child did not start: ${stderr}`,
      });
      // The consumer created the stream and now waits for it to become ACTIVE.
      let seen: string | undefined;
      await waitFor(
        async () => {
          seen = await status();
          return seen !== undefined || exited;
        },
        { timeoutMs: 30_000, message: () => `the consumer never created the stream: ${stderr}` },
      );
      expect(seen).toBe('CREATING');
      child.send('stop');
      await waitFor(() => messages.includes('stopped') || exited, {
        timeoutMs: 30_000,
        message: () => `the consumer did not stop: ${messages.join('; ')} ${stderr}`,
      });
      // Holding on lasts until the stream is ACTIVE (a minute after it was created); ending takes
      // milliseconds.
      await waitFor(() => exited, {
        timeoutMs: 20_000,
        message: () => 'the child process did not end by itself',
      });
      expect({ exitCode: child.exitCode, messages }).toEqual({
        exitCode: 0,
        messages: ['started', 'stopped'],
      });
    } finally {
      client.destroy();
      if (!exited) child.kill();
    }
  });
});
