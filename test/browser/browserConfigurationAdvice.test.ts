// The browser build, as a page runs it (the AWS SDK's browser build, no process, no Buffer): an
// item that cannot be sent for want of a region or credentials fails saying where they go in a
// page (the options), not in an environment a page does not have (AWS_REGION, AWS_PROFILE).
import { createContext, runInContext } from 'node:vm';
import { join } from 'node:path';
import { build } from 'esbuild';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { browserPlatformPlugin } = require('../../scripts/browserPlatform.cjs') as {
  browserPlatformPlugin: Parameters<typeof build>[0]['plugins'] extends (infer P)[] | undefined ? P : never;
};

const root = join(__dirname, '..', '..');

interface PageApi {
  /** The error of the report of one item sent with these options (without processor). */
  failure(options: Record<string, unknown>): Promise<{ name: string; message: string; retriable: boolean }>;
}

let page: PageApi;

beforeAll(async () => {
  const entry = `
    import { lastValueFrom, of } from 'rxjs';
    import { jsonProcessor, toKinesis } from ${JSON.stringify(join(root, 'src', 'browser', 'index.ts'))};
    export async function failure(options) {
      const report = await lastValueFrom(
        of({ id: 1 }).pipe(toKinesis({ streamName: 'orders', processor: jsonProcessor(), onFailure: 'emit', ...options })),
      );
      const error = report.error ?? {};
      return { status: report.status, name: error.name, message: error.message, retriable: error.retriable };
    }`;
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'page.js' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'page',
    target: 'es2022',
    write: false,
    plugins: [browserPlatformPlugin],
    logLevel: 'silent',
  });
  const g = globalThis;
  const context = createContext({
    ...{ TextEncoder: g.TextEncoder, TextDecoder: g.TextDecoder, URL: g.URL, crypto: g.crypto },
    ...{ setTimeout: g.setTimeout, clearTimeout: g.clearTimeout, queueMicrotask: g.queueMicrotask },
    ...{ setInterval: g.setInterval, clearInterval: g.clearInterval, console: g.console },
    ...{ AbortController: g.AbortController, AbortSignal: g.AbortSignal, fetch: g.fetch },
    ...{ Request: g.Request, Response: g.Response, Headers: g.Headers, ReadableStream: g.ReadableStream },
    navigator: { onLine: true, userAgent: 'test' },
  });
  runInContext(result.outputFiles[0]?.text ?? '', context);
  page = (context as { page: PageApi }).page;
}, 120_000);

it('without credentials: says to pass a provider, not to set AWS_PROFILE', async () => {
  const error = await page.failure({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' });
  expect(error.message).toContain('Credential is missing; pass the credentials option: a provider');
  expect(error.message).toContain('fromCognitoIdentityPool()');
  expect(error.message).not.toMatch(/AWS_/);
});

it('without a region: says to pass the region option, not to set AWS_REGION', async () => {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const error = await page.failure({ credentials });
  expect(error.message).toContain("Region is missing; pass the region option (such as region: 'eu-west-1')");
  expect(error.message).not.toMatch(/AWS_/);
});
