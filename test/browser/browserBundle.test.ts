// The browser entry bundles for the browser (esbuild with platform "browser" fails on any Node
// built-in) and holds nothing of the consumer, checkpointers, local Kinesis, CLI or Node-only
// packages; its size is reported by scripts/browser-bundle-size.mjs.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
    // Every platform module with a browser stand-in (credentialsWhenOnline, requestHandler, ...) is
    // bundled as the stand-in, never as its Node version.
    const swapped = readdirSync(join(root, 'src', 'platform'))
      .filter((file) => file.endsWith('.browser.ts'))
      .map((file) => `src/platform/${file.replace(/\.browser\.ts$/, '.ts')}`);
    expect(swapped).toEqual(expect.arrayContaining(['src/platform/credentialsWhenOnline.ts']));
    expect(inputs.filter((input) => swapped.includes(input))).toEqual([]);
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
    const measured = (name: string): { minifiedKb: number; gzipKb: number } => {
      const size = sizes.find((each) => each.name === name);
      if (size === undefined) throw new Error(`browser-bundle-size.mjs printed no "${name}"`);
      return { minifiedKb: size.minifiedBytes / 1024, gzipKb: size.gzipBytes / 1024 };
    };
    const withoutSdk = measured('producer without the AWS SDK');
    expect(withoutSdk.gzipKb).toBeLessThan(60);
    // Each figure the README gives is the one measured now, rounded to the KB: give or take 1 KB,
    // so that a change of the bundle by more than that fails here until the README says so.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const stated =
      /\*\*Bundle size\.\*\*[\s\S]*?about \*\*(\d+) KB gzip\*\* \((\d+) KB minified\)[\s\S]*?(\d+) KB for this library alone[\s\S]*?about (\d+) KB gzip with/.exec(
        readme,
      );
    expect(stated).not.toBeNull();
    const [, gzip, minified, alone, withSdk] = (stated ?? []).map(Number);
    const figures = {
      'without the SDK, gzip': [gzip, withoutSdk.gzipKb],
      'without the SDK, minified': [minified, withoutSdk.minifiedKb],
      'library alone, gzip': [alone, measured('library alone (rxjs and the AWS SDK external)').gzipKb],
      'with the SDK, gzip': [withSdk, measured('everything (AWS SDK included)').gzipKb],
    };
    for (const [figure, [readmeKb = Number.NaN, measuredKb = Number.NaN]] of Object.entries(figures)) {
      expect({
        figure,
        off:
          Math.abs(readmeKb - measuredKb) <= 1
            ? 'at most 1 KB'
            : `${readmeKb} KB stated, ${measuredKb.toFixed(1)} KB measured`,
      }).toEqual({ figure, off: 'at most 1 KB' });
    }
  });
});
