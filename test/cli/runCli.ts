// Runs the command line in a child process, as a user would: `node <src/cli/main.ts compiled> ...`
// (see test/support/compiledScript.ts; the package ships the command compiled too).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Written to stdin, which is then closed. Default: stdin closed at once. */
  readonly input?: string;
  /** An open file descriptor given as stdin instead (a file, a directory); `input` is then unused. */
  readonly stdinFd?: number;
  /** An open file descriptor given as stdout instead of a pipe (e.g. /dev/full); `stdout` is then ''. */
  readonly stdoutFd?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the process after this long. Default 90 s (a loaded machine starts processes slowly). */
  readonly timeoutMs?: number;
  /** Run this script instead of the TypeScript source (e.g. the built dist/cjs/cli/main.js). */
  readonly script?: string;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const nodeArgs = [options.script ?? compiledScript(join(REPO_ROOT, 'src/cli/main.ts'))];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // The commands read KINESIS_ENDPOINT; tests pass --endpoint explicitly.
  delete env.KINESIS_ENDPOINT;
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: [options.stdinFd ?? 'pipe', options.stdoutFd ?? 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (options.stdinFd === undefined) child.stdin!.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `rxjs-kinesis ${args.join(' ')} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Lines of the output, without the trailing empty one. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
