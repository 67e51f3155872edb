import { SingleBar } from 'cli-progress';
import { formatCount as count, nounFor, type Noun } from './plural.js';

/** Where progress goes: a terminal gets a live bar, anything else plain periodic lines. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** Printed first on every line, e.g. `put orders`. */
  readonly label: string;
  /** Items expected in all; leave out when unknown (e.g. lines from stdin). */
  readonly total?: number;
  /**
   * What is counted, singular and plural: `['record', 'records']`; a word alone (`'record'`) takes
   * an `s`. Default `item`. Its number follows the total when there is one (`1/1 item`), else the
   * count (`1 line delivered`).
   */
  readonly unit?: Noun | string;
  /** Plain mode: least time between two lines, in ms. Default 5000. */
  readonly intervalMs?: number;
  /** Clock in ms. Default Date.now. */
  readonly now?: () => number;
  /** Force the bar (true) or plain lines (false). Default: `stream.isTTY`. */
  readonly tty?: boolean;
  /** Plain mode: print a last line with the totals on stop(). Default true. */
  readonly finalLine?: boolean;
}

/** Reports how far a long task got. */
export interface Progress {
  /** Sets the count done so far, with optional extra text such as `3 failed`. */
  update(done: number, details?: string): void;
  /** Ends the report (the bar stays on screen; plain mode prints a last line). */
  stop(): void;
}

/** A cli-progress bar on terminals, plain lines every few seconds elsewhere (files, pipes, CI logs). */
export function createProgress(options: ProgressOptions): Progress {
  const tty = options.tty ?? options.stream.isTTY === true;
  return tty ? barProgress(options) : lineProgress(options);
}

/** The unit's word for `done` items of `total`. */
function unitFor(options: ProgressOptions, done: number): string {
  return nounFor(Math.round(options.total ?? done), options.unit ?? 'item');
}

function lineProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5000;
  const started = now();
  let lastLine = started;
  let done = 0;
  let details: string | undefined;
  let stopped = false;

  const line = (final: boolean): string => {
    const elapsed = (now() - started) / 1000;
    const total = options.total;
    const share = total === undefined || total === 0 ? '' : ` (${Math.floor((100 * done) / total)}%)`;
    const unit = unitFor(options, done);
    const amount = total === undefined ? `${count(done)} ${unit}` : `${count(done)}/${count(total)} ${unit}`;
    const rate = elapsed > 0 ? `, ${count(done / elapsed)}/s` : '';
    const extra = details === undefined || details === '' ? '' : `, ${details}`;
    return `${options.label}: ${amount}${share}${final ? ` in ${elapsed.toFixed(1)} s` : ''}${rate}${extra}\n`;
  };

  return {
    update(value, text) {
      if (stopped) return;
      done = value;
      details = text;
      if (now() - lastLine >= interval) {
        lastLine = now();
        options.stream.write(line(false));
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (options.finalLine !== false) options.stream.write(line(true));
    },
  };
}

function barProgress(options: ProgressOptions): Progress {
  const known = options.total !== undefined;
  const format = known
    ? `${options.label} [{bar}] {percentage}% | {value}/{total} {unit} | {speed}/s | ETA {eta_formatted}{details}`
    : `${options.label} {value} {unit} | {speed}/s | {duration_formatted}{details}`;
  const bar = new SingleBar({
    stream: options.stream as NodeJS.WritableStream,
    format,
    hideCursor: false,
    barsize: 30,
    fps: 5,
    etaBuffer: 50,
    formatValue: (value, _options, type) =>
      type === 'value' || type === 'total' ? count(value) : String(value),
  });
  const now = options.now ?? Date.now;
  const started = now();
  let stopped = false;
  bar.start(options.total ?? 0, 0, { speed: '0', details: '', unit: unitFor(options, 0) });
  return {
    update(value, text) {
      if (stopped) return;
      const elapsed = (now() - started) / 1000;
      if (!known) bar.setTotal(value);
      bar.update(value, {
        speed: elapsed > 0 ? count(value / elapsed) : '0',
        details: text === undefined || text === '' ? '' : ` | ${text}`,
        unit: unitFor(options, value),
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
