// The browser entry as the package ships it (dist/*/browser, written by scripts/browserBuild.cjs)
// lets an application's bundler leave out what the application does not import: importing one
// constant or one error class brings neither the producer nor the AWS SDK, and the producer
// costs what the same import from the sources costs (what scripts/browser-bundle-size.mjs and the
// README measure).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleForBrowser } from './support/bundle.js';

/* eslint-disable @typescript-eslint/no-require-imports */
const { buildBrowserEntry } = require('../../scripts/browserBuild.cjs') as {
  buildBrowserEntry: (distDir: string) => Promise<void>;
};
const { writeFormatManifests } = require('../../scripts/distManifests.cjs') as {
  writeFormatManifests: (distDir: string) => void;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const root = join(__dirname, '..', '..');
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rxjs-kinesis-browser-shaking-'));
  const installed = join(work, 'node_modules', 'rxjs-kinesis');
  cpSync(join(root, 'package.json'), join(installed, 'package.json'));
  writeFormatManifests(join(installed, 'dist'));
  await buildBrowserEntry(join(installed, 'dist'));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
}, 120_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** What an application importing `names` from the installed rxjs-kinesis/browser ships, minified. */
async function appBundle(names: string): Promise<{ bytes: number; packages: string[] }> {
  const result = await build({
    stdin: {
      contents: `import { ${names} } from 'rxjs-kinesis/browser';\nconsole.log(${names});\n`,
      resolveDir: work,
      sourcefile: 'app.js',
    },
    absWorkingDir: work,
    // The package's dependencies (rxjs, the AWS SDK, msgpackr), as the application has them installed.
    nodePaths: [join(root, 'node_modules')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const packages = Object.entries(output?.inputs ?? {})
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([input]) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
    .filter((name): name is string => name !== undefined);
  return { bytes: result.outputFiles[0]?.contents.byteLength ?? 0, packages: [...new Set(packages)].sort() };
}

describe('the installed browser entry, bundled by an application', () => {
  it('brings nothing else for a constant', async () => {
    const bundle = await appBundle('BROWSER_MAX_QUEUE_SIZE');
    expect(bundle.packages).toEqual(['rxjs-kinesis']);
    expect(bundle.bytes).toBeLessThan(1_000);
  });

  it('brings neither the producer nor rxjs nor the AWS SDK for an error class and a processor', async () => {
    const bundle = await appBundle('QueueFullError, jsonProcessor');
    expect(bundle.packages).toEqual(['rxjs-kinesis']);
    expect(bundle.bytes).toBeLessThan(60_000);
  });

  it('costs the producer what the same import from the sources costs', async () => {
    const bundle = await appBundle('toKinesis, jsonProcessor');
    expect(bundle.packages).not.toContain('msgpackr');
    expect(bundle.packages).toEqual(
      expect.arrayContaining(['@aws-sdk/client-kinesis', 'rxjs', 'rxjs-kinesis']),
    );
    const fromSources = join(work, 'fromSources.ts');
    writeFileSync(
      fromSources,
      `import { toKinesis, jsonProcessor } from ${JSON.stringify(join(root, 'src', 'browser', 'index.ts'))};\n` +
        'console.log(toKinesis, jsonProcessor);\n',
    );
    const producerFromSources = await bundleForBrowser(fromSources, { minify: true });
    expect(bundle.bytes).toBeLessThan(producerFromSources.code.length * 1.01);
  });
});
