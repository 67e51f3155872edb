import { build, type Metafile } from 'esbuild';

// CommonJS helper shared with scripts/build.mjs: the platform-module swap of the browser build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { browserPlatformPlugin } = require('../../../scripts/browserPlatform.cjs') as {
  browserPlatformPlugin: Parameters<typeof build>[0]['plugins'] extends (infer P)[] | undefined ? P : never;
};

export interface BrowserBundle {
  readonly code: string;
  readonly metafile: Metafile;
}

/**
 * Bundles `entry` for the browser as an application would (esbuild, platform browser, the
 * tsconfig paths mapping `rxjs-kinesis/browser` to src/), with the browser platform modules.
 * esbuild fails on any Node built-in in the import graph.
 */
export async function bundleForBrowser(
  entry: string,
  options: { readonly minify?: boolean; readonly external?: string[] } = {},
): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    minify: options.minify ?? false,
    external: options.external ?? [],
    plugins: [browserPlatformPlugin],
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return { code: output.text, metafile: result.metafile };
}
