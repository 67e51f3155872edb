// The browser entry bundles for the browser (esbuild with platform "browser" fails on any Node
// built-in) and holds nothing of the consumer, checkpointers, local Kinesis, CLI or Node-only
// packages; its size is reported by scripts/browser-bundle-size.mjs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForBrowser } from './support/bundle.js';

const root = join(__dirname, '..', '..');

describe('the browser bundle', () => {
  it('bundles rxjs-kinesis/browser with no Node built-in and no server-side module', async () => {
    const { metafile } = await bundleForBrowser(join(root, 'src', 'browser', 'index.ts'));
    const inputs = Object.keys(metafile.inputs);
    const serverSide =
      /^src\/(consumer|checkpointers|local|cli|nestjs|observables|testing|optional)\/|node_modules\/(ioredis|kinesalite|@smithy\/node-http-handler|@aws-sdk\/client-dynamodb)\/|^node:/;
    expect(inputs.filter((input) => serverSide.test(input))).toEqual([]);
    // The platform modules are the browser stand-ins.
    expect(inputs).toEqual(expect.arrayContaining(['src/platform/buffer.browser.ts', 'src/platform/md5.ts']));
    expect(
      inputs.filter((input) => /^src\/platform\/(buffer|crypto|isUtf8|util|requestHandler)\.ts$/.test(input)),
    ).toEqual([]);
    // msgpackr is imported by the module of the named processors, but nothing of it ships.
    const [output] = Object.values(metafile.outputs);
    const shipped = Object.entries(output?.inputs ?? {})
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input);
    expect(shipped.filter((input) => input.includes('msgpack'))).toEqual([]);
  });

  it('is what catches Node built-ins: the Node entry does not bundle for the browser', async () => {
    await expect(bundleForBrowser(join(root, 'src', 'index.ts'))).rejects.toThrow(/node:/);
  });

  it('reports the size of a minified producer bundle (toKinesis + jsonProcessor)', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'browser-bundle-size.mjs'), '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`browser-bundle-size.mjs exited ${run.status}: ${run.stderr}`);
    const sizes = JSON.parse(run.stdout) as { name: string; minifiedBytes: number; gzipBytes: number }[];
    for (const { name, minifiedBytes, gzipBytes } of sizes) {
      console.log(`browser bundle, ${name}: ${minifiedBytes} bytes minified, ${gzipBytes} bytes gzip`);
    }
    const withoutSdk = sizes.find((size) => size.name === 'producer without the AWS SDK');
    expect(withoutSdk?.gzipBytes).toBeLessThan(60 * 1024);
    // The figure the README gives ("about **N KB gzip**") is the one measured, give or take a fifth.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const stated = /\*\*Bundle size\.\*\*[\s\S]*?about \*\*(\d+) KB gzip\*\*/.exec(readme)?.[1];
    expect(stated).toBeDefined();
    const measuredKb = (withoutSdk?.gzipBytes ?? 0) / 1024;
    expect(measuredKb).toBeGreaterThan(Number(stated) * 0.8);
    expect(measuredKb).toBeLessThan(Number(stated) * 1.2);
  });
});
