import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnce } from '../support/buildOnce.js';

describe('buildOnce', () => {
  let parent: string;
  let dir: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'build-once-'));
    dir = join(parent, 'tree');
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  const writeMarker = (into: string, text: string): void => {
    mkdirSync(into);
    writeFileSync(join(into, 'marker'), text);
  };

  it('builds into a temporary directory renamed into place, once', () => {
    const builds: string[] = [];
    const build = (temporary: string): void => {
      builds.push(temporary);
      writeMarker(temporary, 'built');
    };
    buildOnce(dir, build);
    buildOnce(dir, build);
    expect(builds).toHaveLength(1);
    expect(builds[0]).not.toBe(dir);
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('built');
    expect(readdirSync(parent)).toEqual(['tree']);
  });

  it('leaves neither a directory, a temporary one nor the lock when the build fails', () => {
    expect(() =>
      buildOnce(dir, (temporary) => {
        writeMarker(temporary, 'half');
        throw new Error('compile error');
      }),
    ).toThrow('compile error');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('takes over a lock whose process is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${dir}.lock`, String(gone));
    buildOnce(dir, (temporary) => writeMarker(temporary, 'built'));
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('built');
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('waits for the build of the process that holds the lock instead of building too', async () => {
    // Another process takes the lock and, once told to go on (so that a loaded machine cannot
    // let it finish before this process saw its lock), builds for half a second and renames its
    // build into place.
    const holder = spawn(process.execPath, [
      '-e',
      `const fs = require('node:fs');
       const [dir] = process.argv.slice(1);
       fs.writeFileSync(dir + '.lock', String(process.pid), { flag: 'wx' });
       const go = setInterval(() => {
         if (!fs.existsSync(dir + '.go')) return;
         clearInterval(go);
         setTimeout(() => {
           fs.mkdirSync(dir + '.tmp');
           fs.writeFileSync(dir + '.tmp/marker', 'theirs');
           fs.renameSync(dir + '.tmp', dir);
           fs.rmSync(dir + '.lock');
         }, 500);
       }, 10);`,
      dir,
    ]);
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    while (!existsSync(`${dir}.lock`)) await new Promise((resolve) => setTimeout(resolve, 10));
    writeFileSync(`${dir}.go`, '');
    let built = false;
    buildOnce(dir, () => (built = true));
    expect(built).toBe(false);
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('theirs');
    await exited;
  });
});
