// Every user callback of the producer that throws (or rejects) ends as a typed per-item error or
// as the output's error, never as an unhandled rejection or an uncaught exception: run in a child
// process with --unhandled-rejections=strict, which any of them would end at once.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import type { ChildConfig } from './support/throwingCallbacksChild.js';

const kinesis = useTestKinesis();
const root = join(__dirname, '..', '..');

it('user callbacks that throw end as typed errors, in a process that treats unhandled rejections as fatal', async () => {
  const streamName = uniqueStreamName('throwing');
  await kinesis.createStream(streamName, 1);
  const config: ChildConfig = {
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: { ...kinesis.credentials },
    streamName,
  };
  const child = fork(
    compiledScript(join(__dirname, 'support', 'throwingCallbacksChild.ts')),
    [JSON.stringify(config)],
    { cwd: root, execArgv: ['--unhandled-rejections=strict'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  // Generous on a loaded machine; the scenarios take about a second.
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill(), 90_000);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  const outcomes = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(' ', 2) as [string, string]),
  );
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(outcomes).toEqual({
    partitionKey: 'delivered,failed:InvalidPartitionKeyError,delivered',
    explicitHashKey: 'delivered,failed:InvalidExplicitHashKeyError,delivered',
    serializer: 'failed:ItemSerializationError,failed:ItemSerializationError,failed:ItemSerializationError',
    accumulator: 'failed:ItemSerializationError,failed:ItemSerializationError,failed:ItemSerializationError',
    logger: 'delivered,delivered,delivered',
    random: 'delivered,delivered,delivered',
    'afterFlush-throws': 'error:AfterFlushError',
    'afterFlush-rejects': 'error:AfterFlushError',
    'afterFlush-thenable': 'error:AfterFlushError',
    flushOn: 'error:Error',
    'producer-send': 'fulfilled,rejected,fulfilled',
    'producer-afterFlush': 'error:AfterFlushError',
  });
});
