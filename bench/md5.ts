/**
 * MD5 in plain TypeScript (src/platform/md5.ts, the browser build's) against node:crypto (kept
 * on Node): the producer hashes every partition key to predict its shard, and the KPL format
 * hashes every aggregated record. CPU time per operation (process.cpuUsage), median of
 * interleaved rounds, and the ratio pure-TS / node:crypto. Run: npx tsx bench/md5.ts
 */
import { createHash, hash as nodeHash } from 'node:crypto';
import { createHash as pureCreateHash, hash as pureHash } from '../src/platform/crypto.browser.js';

const ROUNDS = 7;

interface Workload {
  readonly name: string;
  readonly operations: number;
  readonly node: () => void;
  readonly pure: () => void;
}

const keys = Array.from({ length: 100_000 }, (_, i) => `user-${i}-${(i * 2654435761) >>> 0}`);
const record = new Uint8Array(1024 * 1024).map((_, i) => (i * 31 + 7) & 255);

const workloads: Workload[] = [
  {
    name: 'partition keys (100,000 x ~20 chars, hex digest)',
    operations: keys.length,
    node: () => {
      for (const key of keys) nodeHash('md5', key, 'hex');
    },
    pure: () => {
      for (const key of keys) pureHash('md5', key, 'hex');
    },
  },
  {
    name: 'KPL record body (1 MiB, 20 times)',
    operations: 20,
    node: () => {
      for (let i = 0; i < 20; i += 1) createHash('md5').update(record).digest();
    },
    pure: () => {
      for (let i = 0; i < 20; i += 1) pureCreateHash('md5').update(record).digest();
    },
  },
];

function cpuMicros(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

// Same digests first: a benchmark of a wrong MD5 would mean nothing.
for (const key of keys.slice(0, 1000)) {
  if (nodeHash('md5', key, 'hex') !== pureHash('md5', key, 'hex')) throw new Error(`MD5 differs for ${key}`);
}
if (createHash('md5').update(record).digest('hex') !== pureCreateHash('md5').update(record).digest('hex')) {
  throw new Error('MD5 differs for the 1 MiB record');
}

console.log('| workload | node:crypto µs/op | pure TypeScript µs/op | ratio (pure / node) |');
console.log('| --- | ---: | ---: | ---: |');
for (const workload of workloads) {
  workload.node();
  workload.pure();
  const node: number[] = [];
  const pure: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    node.push(cpuMicros(workload.node));
    pure.push(cpuMicros(workload.pure));
  }
  const nodePerOp = median(node) / workload.operations;
  const purePerOp = median(pure) / workload.operations;
  console.log(
    `| ${workload.name} | ${nodePerOp.toFixed(3)} | ${purePerOp.toFixed(3)} | ${(purePerOp / nodePerOp).toFixed(2)}× |`,
  );
}
