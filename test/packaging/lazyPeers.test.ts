import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';

const root = join(__dirname, '..', '..');

/** `module` of src/ compiled to CommonJS (test/support/compiledScript.ts), as a string literal. */
const src = (module: string): string => JSON.stringify(compiledScript(join(root, 'src', module)));

/** Runs `code` in a fresh Node process, from the repository root. */
function runNode(code: string): string {
  const result = spawnSync(process.execPath, ['-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
  });
  if (result.status !== 0) throw new Error(`node exited ${result.status}:\n${result.stderr}`);
  return result.stdout.trim();
}

const LOADED_PEERS = `
  const loaded = Object.keys(require.cache)
    .map((path) => /[\\\\/]node_modules[\\\\/](ioredis|kinesalite|leveldown|dynalite|@aws-sdk[\\\\/]client-dynamodb|@nestjs[\\\\/][^\\\\/]+)[\\\\/]/.exec(path)?.[1])
    .filter(Boolean);
  console.log(JSON.stringify([...new Set(loaded)].sort()));
`;

describe('optional peers load only when a feature needs them', () => {
  it('importing rxjs-kinesis and rxjs-kinesis/local loads neither ioredis, kinesalite, the DynamoDB client nor NestJS', () => {
    const loaded = runNode(`
      const main = require(${src('index.ts')});
      require(${src('local/index.ts')});
      if (typeof main.RedisCheckpointer !== 'function') throw new Error('no RedisCheckpointer');
      if (typeof main.DynamoDBCheckpointer !== 'function') throw new Error('no DynamoDBCheckpointer');
      ${LOADED_PEERS}
    `);
    expect(JSON.parse(loaded)).toEqual([]);
  });

  it('a RedisCheckpointer with a URL loads ioredis, a DynamoDBCheckpointer the DynamoDB client; starting the local Kinesis loads kinesalite', () => {
    const loaded = runNode(`
      const { RedisCheckpointer } = require(${src('index.ts')});
      const { startLocalKinesis } = require(${src('local/index.ts')});
      (async () => {
        await new RedisCheckpointer({ redis: 'redis://127.0.0.1:1', name: 'lazy' }).close();
        const { DynamoDBCheckpointer } = require(${src('index.ts')});
        await new DynamoDBCheckpointer({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' }).close();
        await (await startLocalKinesis()).close();
        ${LOADED_PEERS}
      })().catch((error) => { console.error(error); process.exit(1); });
    `);
    expect(JSON.parse(loaded)).toEqual(
      expect.arrayContaining(['@aws-sdk/client-dynamodb', 'ioredis', 'kinesalite']),
    );
  });
});
