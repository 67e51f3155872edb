/**
 * Runs every benchmark script (bench/processors.ts, bench/producer.ts, bench/consumer.ts when
 * present, bench/consumerFanOut.ts) with --json in child processes, R times each, and writes the medians with
 * ours-vs-baseline ratios and the machine's details to bench/results/report.md.
 *
 * Run: npm run bench -- [--repeat 3] [--only producer,consumer] [--out bench/results/report.md]
 *                      [--timeout 20]   (minutes one run of one script may take)
 *
 * Each script prints one JSON document on stdout:
 *   { bench, title, description?, results: [{ id, group?, labels?, metrics: { name: number } }],
 *     comparisons?: [{ title, metric, ours: id, baseline: id, higherIsBetter?: boolean }] }
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, totalmem, type as osType } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { VERSION } from '../src/version.js';

const ROOT = join(__dirname, '..');
const SCRIPTS = ['processors', 'producer', 'consumer', 'consumerFanOut'] as const;

interface BenchResult {
  readonly id: string;
  readonly group?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
}

interface BenchComparison {
  readonly title: string;
  readonly metric: string;
  readonly ours: string;
  readonly baseline: string;
  /** Default true: ratio = ours / baseline. False (e.g. errors, latency): baseline / ours. */
  readonly higherIsBetter?: boolean;
}

interface BenchOutput {
  readonly bench: string;
  readonly title: string;
  readonly description?: string;
  readonly results: readonly BenchResult[];
  readonly comparisons?: readonly BenchComparison[];
}

interface ScriptOutcome {
  readonly name: string;
  readonly runs: BenchOutput[];
  readonly seconds: number;
  readonly error?: string;
}

interface Args {
  readonly repeat: number;
  readonly timeoutMs: number;
  readonly only: ReadonlySet<string> | undefined;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): Args {
  let repeat = 3;
  let timeoutMs = 20 * 60_000;
  let only: Set<string> | undefined;
  let out = join(ROOT, 'bench/results/report.md');
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) usage(`${flag} needs a value`);
      return next;
    };
    if (flag === '--repeat' || flag === '-r') {
      const text = value();
      repeat = Number(text);
      if (!/^\d+$/.test(text) || repeat < 1 || repeat > 100) usage('--repeat takes an integer from 1 to 100');
    } else if (flag === '--timeout') {
      const minutes = Number(value());
      if (!Number.isFinite(minutes) || minutes <= 0) usage('--timeout takes a number of minutes > 0');
      timeoutMs = minutes * 60_000;
    } else if (flag === '--only') {
      only = new Set(value().split(','));
      for (const name of only) {
        if (!(SCRIPTS as readonly string[]).includes(name))
          usage(`--only takes names from ${SCRIPTS.join(', ')}`);
      }
    } else if (flag === '--out') {
      out = resolve(value());
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write(
        'Usage: npm run bench -- [--repeat 3] [--only processors,producer,consumer] [--out FILE] [--timeout MINUTES]\n',
      );
      process.exit(0);
    } else {
      usage(`unknown option ${arg}`);
    }
  }
  return { repeat, timeoutMs, only, out };
}

function usage(message: string): never {
  process.stderr.write(
    `run-all: ${message}\nUsage: npm run bench -- [--repeat 3] [--only processors,producer,consumer] [--out FILE] [--timeout MINUTES]\n`,
  );
  process.exit(2);
}

interface ScriptRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(script: string, timeoutMs: number): Promise<ScriptRun> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--json'], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, timedOut, stdout, stderr });
    });
  });
}

/** The last stdout line that is a benchmark JSON document. */
function parseOutput(stdout: string): BenchOutput {
  const lines = stdout.split('\n').filter((line) => line.trim().startsWith('{'));
  for (const line of lines.reverse()) {
    try {
      const parsed = JSON.parse(line) as Partial<BenchOutput>;
      if (typeof parsed.bench === 'string' && Array.isArray(parsed.results)) return parsed as BenchOutput;
    } catch {
      // not the document
    }
  }
  throw new Error('no JSON document with { bench, results } on stdout (does the script support --json?)');
}

function median(values: readonly number[]): number {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One result per id, each metric the median over the runs. */
function medians(runs: readonly BenchOutput[]): BenchResult[] {
  const byId = new Map<string, { first: BenchResult; values: Map<string, number[]> }>();
  for (const run of runs) {
    for (const result of run.results) {
      const entry = byId.get(result.id) ?? { first: result, values: new Map<string, number[]>() };
      byId.set(result.id, entry);
      for (const [metric, value] of Object.entries(result.metrics)) {
        entry.values.set(metric, [...(entry.values.get(metric) ?? []), value]);
      }
    }
  }
  return [...byId.values()].map(({ first, values }) => ({
    ...first,
    metrics: Object.fromEntries([...values].map(([metric, list]) => [metric, median(list)])),
  }));
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function resultTables(results: readonly BenchResult[]): string[] {
  const groups = new Map<string, BenchResult[]>();
  for (const result of results) {
    const group = result.group ?? '';
    groups.set(group, [...(groups.get(group) ?? []), result]);
  }
  return [...groups].map(([group, list]) => {
    const labels = [...new Set(list.flatMap((result) => Object.keys(result.labels ?? {})))];
    const metrics = [...new Set(list.flatMap((result) => Object.keys(result.metrics)))];
    const header = labels.length === 0 ? ['case', ...metrics] : [...labels, ...metrics];
    const rows = list.map((result) => [
      ...(labels.length === 0 ? [result.id] : labels.map((label) => result.labels?.[label] ?? '')),
      ...metrics.map((metric) => formatNumber(result.metrics[metric] ?? Number.NaN)),
    ]);
    return `${group === '' ? '' : `#### ${group}\n\n`}${table(header, rows)}`;
  });
}

function describeRatio(ratio: number, ours: number, baseline: number): string {
  if (Number.isFinite(ratio)) return `${ratio.toFixed(2)}×`;
  if (ours === 0 && baseline === 0) return 'equal';
  if (ours === 0 || baseline === 0) return `${formatNumber(ours)} vs ${formatNumber(baseline)}`;
  return 'n/a';
}

function comparisonRows(outcome: ScriptOutcome, results: readonly BenchResult[]): string[][] {
  const byId = new Map(results.map((result) => [result.id, result]));
  const comparisons = outcome.runs[0]?.comparisons ?? [];
  return comparisons.map((comparison) => {
    const ours = byId.get(comparison.ours)?.metrics[comparison.metric] ?? Number.NaN;
    const baseline = byId.get(comparison.baseline)?.metrics[comparison.metric] ?? Number.NaN;
    const ratio = comparison.higherIsBetter === false ? baseline / ours : ours / baseline;
    return [
      comparison.title,
      comparison.metric,
      formatNumber(ours),
      formatNumber(baseline),
      describeRatio(ratio, ours, baseline),
    ];
  });
}

function machine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- OS: ${osType()} ${release()} (${arch()})`,
    `- CPU: ${model}, ${list.length} logical cores`,
    `- Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- Node: ${process.version}`,
    `- rxjs-kinesis: ${VERSION}`,
  ].join('\n');
}

function report(outcomes: readonly ScriptOutcome[], args: Args, started: Date): string {
  const parts: string[] = [
    '# rxjs-kinesis benchmark report',
    '',
    `Generated ${started.toISOString()}. Each benchmark ran ${args.repeat} time${args.repeat === 1 ? '' : 's'} in its own process; every number is the median of those runs.`,
    '',
    '## Machine',
    '',
    machine(),
  ];
  const summary: string[][] = [];
  const sections: string[] = [];
  for (const outcome of outcomes) {
    const results = medians(outcome.runs);
    const title = outcome.runs[0]?.title ?? outcome.name;
    sections.push(`### ${title}`, '');
    sections.push(
      `Script \`bench/${outcome.name}.ts\`, ${outcome.runs.length} run${outcome.runs.length === 1 ? '' : 's'}, ${outcome.seconds.toFixed(0)} s in all.`,
    );
    if (outcome.runs[0]?.description !== undefined) sections.push(`${outcome.runs[0].description}.`);
    sections.push('');
    if (outcome.error !== undefined) sections.push(`**Failed:** ${outcome.error}`, '');
    for (const tableText of resultTables(results)) sections.push(tableText, '');
    const rows = comparisonRows(outcome, results);
    summary.push(...rows);
  }
  if (summary.length > 0) {
    parts.push(
      '',
      '## Ours vs baselines',
      '',
      'Ratio > 1 means rxjs-kinesis is better (faster, or fewer throttled entries where lower is better).',
      '',
      table(['comparison', 'metric', 'rxjs-kinesis', 'baseline', 'ratio'], summary),
    );
  }
  parts.push('', '## Results', '', ...sections);
  return `${parts.join('\n').trimEnd()}\n`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date();
  const outcomes: ScriptOutcome[] = [];
  for (const name of SCRIPTS) {
    if (args.only !== undefined && !args.only.has(name)) continue;
    const script = `bench/${name}.ts`;
    if (!existsSync(join(ROOT, script))) {
      process.stderr.write(`run-all: ${script} not found, skipped\n`);
      continue;
    }
    const runs: BenchOutput[] = [];
    let error: string | undefined;
    const begin = Date.now();
    for (let run = 1; run <= args.repeat && error === undefined; run += 1) {
      process.stderr.write(`run-all: ${script} run ${run}/${args.repeat}...\n`);
      const result = await runScript(script, args.timeoutMs);
      try {
        if (result.timedOut) throw new Error(`no result within ${args.timeoutMs / 60_000} minutes`);
        if (result.code !== 0) {
          throw new Error(
            result.code === null ? `killed by ${String(result.signal)}` : `exit status ${result.code}`,
          );
        }
        runs.push(parseOutput(result.stdout));
      } catch (caught) {
        const tail = result.stderr.trim().split('\n').slice(-5).join(' / ');
        error = `run ${run}: ${caught instanceof Error ? caught.message : String(caught)}${tail === '' ? '' : ` (${tail})`}`;
        process.stderr.write(`run-all: ${script} failed: ${error}\n`);
      }
    }
    outcomes.push({
      name,
      runs,
      seconds: (Date.now() - begin) / 1000,
      ...(error === undefined ? {} : { error }),
    });
  }
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, report(outcomes, args, started));
  process.stderr.write(`run-all: wrote ${relative(process.cwd(), args.out)}\n`);
  if (outcomes.some((outcome) => outcome.error !== undefined)) process.exitCode = 1;
}

void main();
