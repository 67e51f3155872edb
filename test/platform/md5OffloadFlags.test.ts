// The MD5 thread's program runs as CommonJS whatever flags the process was started with: it does
// not inherit them (under `--input-type=module` an inherited flag made it an ES module, where
// `require` does not exist, and every digest failed). The process also exits without close()
// once no digest is pending.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { compiledScript } from '../support/compiledScript.js';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

it('digests in a process started with --input-type=module, and lets it exit without close()', async () => {
  const module = compiledScript(path.join(root, 'src/platform/md5Offload.ts'));
  const program = `
    const loaded = await import(${JSON.stringify(module)});
    const { createMd5Offload } = loaded.createMd5Offload ? loaded : loaded.default;
    const offload = createMd5Offload();
    const digest = await offload.md5(new Uint8Array(100000).fill(7));
    console.log(Buffer.from(digest).toString('hex'));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], {
    cwd: root,
    timeout: 60_000,
  });
  expect(stdout.trim()).toBe(createHash('md5').update(new Uint8Array(100000).fill(7)).digest('hex'));
}, 70_000);
