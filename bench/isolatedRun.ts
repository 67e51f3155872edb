import { execFile } from 'node:child_process';

/** One contender's run: items delivered, wall seconds, client CPU seconds. */
export interface IsolatedRun {
  items: number;
  seconds: number;
  cpuSeconds: number;
}

const MARK = 'ISOLATED-RUN ';

/** Prints a run for the parent (see runIsolated). */
export function printIsolatedRun(run: IsolatedRun): void {
  process.stdout.write(`${MARK}${JSON.stringify(run)}\n`);
}

/**
 * Runs one round of one contender in a process of its own (this script again, with `args`) and
 * resolves with its run. A fresh process per run keeps one contender's effects on V8 out of the
 * others' figures: allocation-site feedback is per process, so items a library keeps for their
 * reports can make V8 allocate every later item of the benchmark's item factory straight in the
 * old generation, for a hand-written loop in the same process too.
 */
export function runIsolated(args: readonly string[]): Promise<IsolatedRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, process.argv[1]!, ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const line = stdout.split('\n').find((text) => text.startsWith(MARK));
        if (line === undefined) return reject(new Error(`no run in the output of ${args.join(' ')}`));
        resolve(JSON.parse(line.slice(MARK.length)) as IsolatedRun);
      },
    );
  });
}
