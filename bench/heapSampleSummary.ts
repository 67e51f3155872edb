/**
 * Sums a sampled heap profile (bench/producer.ts --heap-sample, or any .heapprofile) by the
 * function that allocated, and by the nearest caller in the project's own code (src/ or bench/),
 * in bytes per item.
 *
 *   npx tsx bench/heapSampleSummary.ts <file.heapprofile> [--items 600000] [--top 25]
 *
 * `--items`: items allocated for over the whole profile (items per run × runs profiled).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  callFrame: CallFrame;
  selfSize: number;
  children: ProfileNode[];
}

const ARGS = process.argv.slice(2);
const file = ARGS[0];
if (file === undefined)
  throw new Error('usage: heapSampleSummary.ts <file.heapprofile> [--items n] [--top n]');
const arg = (name: string, fallback: number) =>
  ARGS.includes(name) ? Number(ARGS[ARGS.indexOf(name) + 1]) : fallback;
const ITEMS = arg('--items', 1);
const TOP = arg('--top', 25);

const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode };

const short = (frame: CallFrame) => {
  const url = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(src|bench|node_modules)\//, '$1/');
  return `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`;
};
const own = (frame: CallFrame) => /\/(src|bench)\//.test(frame.url) && !frame.url.includes('node_modules');

const bySelf = new Map<string, number>();
const byOwnCaller = new Map<string, number>();
let total = 0;
const walk = (node: ProfileNode, ownCaller: string) => {
  const here = own(node.callFrame) ? short(node.callFrame) : ownCaller;
  if (node.selfSize > 0) {
    total += node.selfSize;
    const self = short(node.callFrame);
    bySelf.set(self, (bySelf.get(self) ?? 0) + node.selfSize);
    byOwnCaller.set(here, (byOwnCaller.get(here) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, here);
};
walk(head, '(outside the project)');

const table = (title: string, sums: Map<string, number>) => {
  console.log(`\n${title}`);
  const rows = [...sums].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  for (const [name, bytes] of rows) {
    console.log(
      `${(bytes / ITEMS).toFixed(1).padStart(9)} B/item ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${name}`,
    );
  }
};
console.log(`total ${(total / ITEMS).toFixed(1)} B/item (${(total / 1e6).toFixed(1)} MB sampled)`);
table('by allocating function', bySelf);
table('by nearest caller in src/ or bench/', byOwnCaller);
