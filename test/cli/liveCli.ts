// The command line in a child process that a test talks to while it runs: stdin kept open,
// output watched, signals sent, as a user at a terminal would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';
import { REPO_ROOT } from './runCli.js';

export interface LiveCli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr (`where`) matches `pattern`; rejects after `timeoutMs`. */
  waitFor(where: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (null when a signal ended it) and that signal. */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: readonly string[], env: Readonly<Record<string, string>>): LiveCli {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  delete childEnv.KINESIS_ENDPOINT;
  const child = spawn(process.execPath, [compiledScript(join(REPO_ROOT, 'src/cli/main.ts')), ...args], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: 'pipe',
  });
  const output = { stdout: '', stderr: '' };
  const watchers = new Set<() => void>();
  const onData = (where: 'stdout' | 'stderr') => (chunk: string) => {
    output[where] += chunk;
    for (const watcher of watchers) watcher();
  };
  child.stdout.setEncoding('utf8').on('data', onData('stdout'));
  child.stderr.setEncoding('utf8').on('data', onData('stderr'));
  child.stdin.on('error', () => undefined);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const describe = (): string =>
    `rxjs-kinesis ${args.join(' ')}\nstdout: ${output.stdout}\nstderr: ${output.stderr}`;
  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitFor: (where, pattern, timeoutMs = 90_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(output[where])) return;
          finish();
          resolve();
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${pattern} did not appear on ${where}:\n${describe()}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        void exit.then(() => {
          if (!watchers.has(check)) return;
          finish();
          reject(new Error(`exited before ${pattern} appeared on ${where}:\n${describe()}`));
        });
        check();
      }),
    exited: (timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`did not exit in time:\n${describe()}`));
        }, timeoutMs);
        void exit.then((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      }),
  };
}
