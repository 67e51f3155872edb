import { fstatSync } from 'node:fs';

/**
 * Refuses a directory given as the input (`put orders < /` or `< some/dir`): Node reads one as
 * an empty stream, so the command would report 0 lines read and succeed. Throws an error saying
 * so (EISDIR, as reading it would); an fd that cannot be inspected (stdin closed) is left to the
 * reading.
 */
export function refuseDirectoryInput(fd: number, name: string): void {
  let directory: boolean;
  try {
    directory = fstatSync(fd).isDirectory();
  } catch {
    return;
  }
  if (directory) {
    throw Object.assign(
      new Error(`${name} is a directory (EISDIR), not a file or a pipe; nothing was sent`),
      { code: 'EISDIR' },
    );
  }
}
