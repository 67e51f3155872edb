// A TypeScript user who installed what the README says (`npm install rxjs-kinesis rxjs`, no
// optional peer) compiles against the package's declarations as they are emitted, under the
// strictest settings a project may have (skipLibCheck false, exactOptionalPropertyTypes,
// noUncheckedIndexedAccess): they must compile without ioredis, @aws-sdk/client-dynamodb,
// kinesalite and NestJS installed, and no public type may fall back to `any` for their absence.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');
/** What a user has without optional peers: the package's dependencies, rxjs, Node's types. */
const INSTALLED = [
  ...Object.keys(
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: object }).dependencies,
  ),
  'rxjs',
  '@types/node',
];
const ENTRY_POINTS = ['index', 'local/index', 'testing/index', 'browser/index'];
// Type-checking the whole package takes a loaded 2-core machine up to a minute per compilation.
const USER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  types: ['node'],
  noEmit: true,
};
const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

let work: string;
let emitted: readonly ts.Diagnostic[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rxjs-kinesis-dts-'));
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('cannot read tsconfig.build.json');
  // The declarations of dist/esm, as scripts/build.mjs emits them.
  const program = ts.createProgram(
    ENTRY_POINTS.map((entry) => join(root, 'src', `${entry}.ts`)),
    {
      ...config.options,
      declaration: true,
      emitDeclarationOnly: true,
      sourceMap: false,
      outDir: join(work, 'dist'),
      noEmit: false,
      // The same declarations and declaration errors, without type-checking the sources first
      // (the build's own typecheck does that).
      noCheck: true,
    },
  );
  emitted = program.emit().diagnostics;
  const install = (dir: string, names: readonly string[]): void => {
    for (const name of names) {
      mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
      symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
    }
  };
  install(work, INSTALLED);
  install(join(work, 'peers'), ['ioredis', '@aws-sdk/client-dynamodb']);
}, 300_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/**
 * Every compilation reads the same installed packages and emitted declarations: parsed once, as an
 * editor's language service shares them between projects. `user.ts` is read anew each time.
 */
const host = ts.createCompilerHost(USER_OPTIONS);
const parsed = new Map<string, ts.SourceFile | undefined>();
const readSource = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, ...rest) => {
  if (/[\\/]user\.ts$/.test(fileName)) return readSource(fileName, languageVersion, ...rest);
  const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
  if (!parsed.has(key)) parsed.set(key, readSource(fileName, languageVersion, ...rest));
  return parsed.get(key);
};

/**
 * The errors the user's compiler reports outside node_modules (in user.ts and in the package's
 * declarations, which skipLibCheck false checks). The files under node_modules are not checked:
 * their errors are none of the package's.
 */
function compile(code: string, skipLibCheck = false, dir = work): string[] {
  const file = join(dir, 'user.ts');
  writeFileSync(file, code);
  const program = ts.createProgram([file], { ...USER_OPTIONS, skipLibCheck }, host);
  const checked = program.getSourceFiles().filter((source) => !IN_NODE_MODULES.test(source.fileName));
  return [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((source) => [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ]),
  ]
    .filter((diagnostic) => diagnostic.file === undefined || !IN_NODE_MODULES.test(diagnostic.file.fileName))
    .map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const where = diagnostic.file?.fileName.slice(work.length + 1) ?? '';
      const line =
        diagnostic.file !== undefined && diagnostic.start !== undefined
          ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1
          : 0;
      return `${where}:${line}: ${text}`;
    });
}

describe("the package's declarations, as a TypeScript user compiles them", () => {
  it('compile with skipLibCheck false, exactOptionalPropertyTypes and noUncheckedIndexedAccess', () => {
    expect(
      emitted.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
    ).toEqual([]);
    const imports = ENTRY_POINTS.map(
      (entry, index) => `import * as entry${index} from './dist/${entry}.js';`,
    );
    const names = ENTRY_POINTS.map((_, index) => `entry${index}`).join(', ');
    expect(compile(`${imports.join('\n')}\nexport const entries = [${names}];\n`)).toEqual([]);
  }, 300_000);

  it('keep checkpointer and client options checked with skipLibCheck too (no `any` in their place)', () => {
    const errors = compile(
      `
      import { checkpoint, DynamoDBCheckpointer, fromKinesis, RedisCheckpointer } from './dist/index.js';
      import type { CheckpointerInput } from './dist/index.js';
      export const input: CheckpointerInput = 42;
      export const stream = fromKinesis({ streamName: 'orders', checkpointer: 'redis://localhost' });
      export const operator = checkpoint(123);
      export const redis = new RedisCheckpointer({ redis: 5, name: 'app' });
      export const dynamodb = new DynamoDBCheckpointer({ client: 'a client' });
    `,
      true,
    );
    expect(errors.map((error) => error.replace(/: .*/s, ''))).toEqual([
      'user.ts:4',
      'user.ts:5',
      'user.ts:6',
      'user.ts:7',
      'user.ts:8',
    ]);
  }, 300_000);

  it('take an option given as undefined (an unset variable) under exactOptionalPropertyTypes, as they do at run time', () => {
    const errors = compile(`
      import {
        checkpoint, createKinesisClient, deserialize, DynamoDBCheckpointer, fromKinesis, jsonProcessor,
        MemoryCheckpointer, msgpackProcessor, Producer, RedisCheckpointer, toKinesis,
      } from './dist/index.js';
      import { startLocalKinesis } from './dist/local/index.js';
      const text = (name: string): string | undefined => process.env[name];
      const count = (name: string): number | undefined => {
        const value = text(name);
        return value === undefined ? undefined : Number(value);
      };
      const connection = { region: text('AWS_REGION'), endpoint: text('KINESIS_ENDPOINT') };
      export const consumer = fromKinesis({
        streamName: 'orders',
        ...connection,
        workerId: text('WORKER_ID'),
        maxQueueItems: count('MAX_QUEUE_ITEMS'),
        enhancedFanOut: { consumerName: 'app', silenceTimeoutMs: count('SILENCE_MS') },
      });
      export const operator = toKinesis<{ id: string }>({
        streamName: 'orders',
        ...connection,
        partitionKey: undefined,
        bufferTime: count('BUFFER_MS'),
        flushTimeoutMs: count('FLUSH_MS'),
      });
      export const producer = new Producer({ streamName: 'orders', ...connection, batchSize: count('BATCH') });
      export const closing = producer.close({ timeoutMs: count('CLOSE_MS') });
      export const client = createKinesisClient({ ...connection, requestTimeout: count('TIMEOUT_MS') });
      export const checkpointers = [
        new RedisCheckpointer({ redis: 'redis://localhost:6379', name: 'app', keyPrefix: text('PREFIX') }),
        new DynamoDBCheckpointer({ tableName: 'app', region: text('AWS_REGION') }),
        new MemoryCheckpointer({ leaseDurationMs: count('LEASE_MS') }),
      ];
      export const operators = [
        deserialize({ maxItemsAhead: count('ITEMS_AHEAD') }),
        checkpoint({ batchSize: count('CHECKPOINT_BATCH') }),
      ];
      export const processors = [jsonProcessor({ style: undefined }), msgpackProcessor({ maps: undefined })];
      export const local = startLocalKinesis({ port: count('PORT'), host: text('HOST') });
    `);
    expect(errors).toEqual([]);
  }, 300_000);

  it('take ioredis and DynamoDB clients where the peers are installed', () => {
    const errors = compile(
      `
      import { Cluster, Redis } from 'ioredis';
      import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
      import { checkpoint, DynamoDBCheckpointer, fromKinesis, RedisCheckpointer } from '../dist/index.js';
      const redis = new Redis({ lazyConnect: true });
      const cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true });
      export const stream = fromKinesis({ streamName: 'orders', checkpointer: redis });
      export const operators = [checkpoint(redis), checkpoint(cluster, { batchSize: 10 })];
      export const checkpointers = [
        new RedisCheckpointer({ redis: cluster, name: 'app' }),
        new DynamoDBCheckpointer({ client: new DynamoDBClient({ region: 'us-east-1' }) }),
      ];
    `,
      false,
      join(work, 'peers'),
    );
    expect(errors).toEqual([]);
  }, 300_000);
});
