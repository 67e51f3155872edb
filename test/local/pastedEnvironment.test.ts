import { spawnSync } from 'node:child_process';
import { runCommand, type CommandResult } from '../support/runCommand.js';
import { Command } from 'commander';
import { registerLocalCommand } from '../../src/cli/commands/local.js';
import type { LocalKinesis } from '../../src/local/startLocalKinesis.js';

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

/** boto3 listing the streams with nothing but the environment it is given. */
const BOTO3_LIST = `
import boto3
print(' '.join(boto3.client('kinesis').list_streams()['StreamNames']))
`;

/** The variables of the line `rxjs-kinesis local` prints for pasting into a shell. */
function pastedVariables(output: string): Record<string, string> {
  const line = output.split('\n').find((text) => text.trim().startsWith('AWS_ENDPOINT_URL_KINESIS='));
  if (line === undefined) throw new Error(`no line to paste in:\n${output}`);
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/**
 * Runs `command` with the pasted variables and none of the caller's AWS settings (no region,
 * credentials or config files of its own).
 */
function run(
  command: string,
  args: readonly string[],
  variables: Record<string, string>,
): Promise<CommandResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && name !== 'KINESIS_ENDPOINT'),
  );
  return runCommand(command, args, {
    ...inherited,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_PAGER: '',
    ...variables,
  });
}

describe('the variables `rxjs-kinesis local` prints, pasted for boto3 and the AWS CLI', () => {
  let local: LocalKinesis;
  let output = '';
  let stop!: () => void;
  let finished: Promise<unknown>;

  beforeAll(async () => {
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const root = new Command('rxjs-kinesis')
      .exitOverride()
      .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    // The command prints how to connect before it reports the server started.
    local = await new Promise<LocalKinesis>((resolve, reject) => {
      registerLocalCommand(root, {
        write: (text) => (output += text),
        stopSignal: () => stopped,
        onStarted: resolve,
      });
      finished = root
        .parseAsync(['local', '--port', '0', '--stream', 'pasted:1', '--stream-status-delay-ms', '0'], {
          from: 'user',
        })
        .catch(reject);
    });
  });

  afterAll(async () => {
    stop();
    await finished;
  });

  it('name the region as boto3 and AWS CLI v1 read it (AWS_DEFAULT_REGION) as well as AWS_REGION', () => {
    expect(pastedVariables(output)).toMatchObject({
      AWS_ENDPOINT_URL_KINESIS: local.endpoint,
      AWS_REGION: local.region,
      AWS_DEFAULT_REGION: local.region,
    });
  });

  (hasBoto3 ? it : it.skip)('are all boto3 needs', async () => {
    const answer = await run('python3', ['-c', BOTO3_LIST], pastedVariables(output));
    expect(answer.err).toBe('');
    expect(answer).toMatchObject({ code: 0, out: 'pasted\n' });
  });

  (hasAws ? it : it.skip)('are all the AWS CLI needs', async () => {
    const answer = await run(
      'aws',
      ['kinesis', 'list-streams', '--query', 'StreamNames', '--output', 'text'],
      pastedVariables(output),
    );
    expect(answer.err).toBe('');
    expect(answer).toMatchObject({ code: 0, out: 'pasted\n' });
  });
});
