import { counted, formatCount as n } from '../plural.js';

/** The counts the demo prints at the end. */
export interface DemoSummary {
  /** Seconds of `--timeout` after which both sides were stopped; undefined when they finished. */
  readonly timedOut: number | undefined;
  readonly produced: number;
  readonly consumed: number;
  readonly duplicates: number;
  /** Items read that are not this run's: earlier runs', other writers'. */
  readonly others: number;
  /** Records (or items of records) read that the processor could not decode. */
  readonly undecodable: number;
  readonly kinesisRecords: number;
  readonly kinesisBytes: number;
  readonly throttled: number;
  readonly retries: number;
  readonly produceSeconds: number;
  readonly consumeSeconds: number;
  readonly meanLatencyMs: number;
  readonly maxMillisBehindLatest: number;
}

/** Prints the summary: counts, rates, lag and whether produced == consumed. */
export function printSummary(summary: DemoSummary): void {
  const rate = (count: number, seconds: number) => (seconds > 0 ? n(count / seconds) : '-');
  const lines = [
    '',
    `produced        ${counted(summary.produced, 'item')} in ${counted(summary.kinesisRecords, 'Kinesis record')}, ${(summary.kinesisBytes / 1024 / 1024).toFixed(1)} MiB, ${summary.produceSeconds.toFixed(1)} s (${rate(summary.produced, summary.produceSeconds)} items/s)`,
    `consumed        ${counted(summary.consumed, 'item')}, ${summary.consumeSeconds.toFixed(1)} s from the start (${rate(summary.consumed, summary.consumeSeconds)} items/s), ${counted(summary.duplicates, 'duplicate')}${skippedText(summary)}`,
    `throttled       ${counted(summary.throttled, ['entry', 'entries'])}, ${counted(summary.retries, 'record')} re-sent`,
    `lag             ${n(summary.meanLatencyMs)} ms mean from produce to consume; ${n(summary.maxMillisBehindLatest)} ms behind the tip at the end`,
    summary.timedOut !== undefined
      ? `result          FAILED: timed out after ${n(summary.timedOut)} s (produced ${n(summary.produced)}, consumed ${n(summary.consumed)})`
      : summary.consumed === summary.produced
        ? `result          OK: produced == consumed (${n(summary.produced)})`
        : `result          FAILED: produced ${n(summary.produced)} but consumed ${n(summary.consumed)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What the consumer read that was not this run's items, or nothing when it read only those. */
function skippedText(summary: DemoSummary): string {
  const parts: string[] = [];
  if (summary.others > 0)
    parts.push(`${counted(summary.others, 'other item')} of the stream (earlier runs, other writers)`);
  if (summary.undecodable > 0) parts.push(`${counted(summary.undecodable, 'undecodable record')}`);
  return parts.length === 0 ? '' : `; skipped ${parts.join(' and ')}`;
}
