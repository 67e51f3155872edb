// A directory built once, whoever asks for it first: several Jest workers (and several Jest runs)
// may ask at the same time. One builds, holding a lock file that names its process; the others
// wait for the directory. The build goes into a temporary directory renamed into place when
// whole, so a directory that exists is complete. A lock left by a process that died is taken over.
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';

/** How long to wait for another process's build before building too (the rename keeps one). */
const WAIT_LIMIT_MS = 5 * 60_000;
const POLL_MS = 100;

/** Creates `dir` with `build(temporaryDir)` unless it exists; returns once it exists. */
export function buildOnce(dir: string, build: (temporaryDir: string) => void): void {
  if (existsSync(dir)) return;
  const lock = `${dir}.lock`;
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let locked = tryLock(lock);
  while (!locked && !existsSync(dir) && Date.now() < deadline) {
    if (holderIsGone(lock)) rmSync(lock, { force: true });
    else sleep(POLL_MS);
    locked = tryLock(lock);
  }
  try {
    if (existsSync(dir)) return;
    const temporary = `${dir}.${process.pid}.${Date.now()}.tmp`;
    try {
      build(temporary);
      renameSync(temporary, dir);
    } catch (error) {
      // Another process's rename came first: its directory holds the same build.
      if (!existsSync(dir)) throw error;
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  } finally {
    if (locked) rmSync(lock, { force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    const fd = openSync(lock, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Whether the process that holds `lock` no longer runs (a lock still being written is held). */
function holderIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
