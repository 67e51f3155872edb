import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';

const root = join(__dirname, '..', '..');
const childScript = join(__dirname, 'closeWithPendingChange.ts');

/** How long each pending change would keep the stream in its status. */
const STATUS_DELAY_MS = 20_000;
/**
 * How long the child may take to end after close() resolved: generous for a loaded machine,
 * and far below the status delay a timer left behind would keep it alive for.
 */
const EXIT_LIMIT_MS = 8_000;

interface ChildOutcome {
  /** How long close() took in the child. */
  readonly closeMs: number;
  /** From the child reporting close() resolved to its exit; undefined: killed at the limit. */
  readonly exitMs: number | undefined;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the child for one kind of pending change and tells how it ended. */
function runChild(kind: string): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiledScript(childScript), kind], {
      cwd: root,
      env: { ...process.env, STATUS_DELAY_MS: String(STATUS_DELAY_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let closedAt: number | undefined;
    let closeMs = Number.NaN;
    let killTimer: NodeJS.Timeout | undefined;
    // Setup (one status delay to get an ACTIVE stream, on a loaded machine) is bounded too.
    const setupTimer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const closed = /closed (\d+)\n/.exec(stdout);
      if (closed !== null && closedAt === undefined) {
        closedAt = Date.now();
        closeMs = Number(closed[1]);
        killTimer = setTimeout(() => child.kill('SIGKILL'), EXIT_LIMIT_MS);
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(setupTimer);
      clearTimeout(killTimer);
      const exitMs = closedAt === undefined || signal === 'SIGKILL' ? undefined : Date.now() - closedAt;
      resolve({ closeMs, exitMs, code, stderr: `${stdout}\n${stderr}` });
    });
  });
}

describe('LocalKinesis.close() leaves nothing behind (child processes end on their own)', () => {
  const kinds = [
    'CreateStream',
    'DeleteStream',
    'SplitShard',
    'MergeShards',
    'UpdateShardCount',
    'UpdateStreamModeAndConsumer',
    'LocalCreateStream',
    'InjectedLatency',
    'SubscribeToShard',
  ];
  // All children run at once: those changing an ACTIVE stream first wait one status delay.
  const outcomes = new Map<string, Promise<ChildOutcome>>();
  beforeAll(() => {
    for (const kind of kinds) outcomes.set(kind, runChild(kind));
  });
  afterAll(async () => {
    await Promise.allSettled(outcomes.values());
  });

  it.each(kinds)('with %s pending, the process exits soon after close()', async (kind) => {
    const outcome = await outcomes.get(kind)!;
    // A child that failed before it closed, or in close(): its output tells why.
    if (Number.isNaN(outcome.closeMs) || (outcome.code !== 0 && outcome.exitMs !== undefined)) {
      throw new Error(`${kind} child failed:\n${outcome.stderr}`);
    }
    expect(outcome.closeMs).toBeLessThan(EXIT_LIMIT_MS);
    expect({ kind, exitedWithinLimit: outcome.exitMs !== undefined, code: outcome.code }).toEqual({
      kind,
      exitedWithinLimit: true,
      code: 0,
    });
  });
});
