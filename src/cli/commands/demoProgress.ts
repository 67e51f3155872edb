import { MultiBar, Presets } from 'cli-progress';

/** Progress of the demo's two sides. */
export interface DemoProgress {
  produced(count: number): void;
  consumed(count: number): void;
  stop(): void;
}

/** Two bars on a terminal; elsewhere a plain line every two seconds. */
export function createDemoProgress(total: number): DemoProgress {
  if (process.stdout.isTTY === true) {
    const bars = new MultiBar(
      {
        format: '{label} [{bar}] {value}/{total} {percentage}% | {duration}s',
        hideCursor: true,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
    const produce = bars.create(total, 0, { label: 'produce' });
    const consume = bars.create(total, 0, { label: 'consume' });
    return {
      produced: (count) => produce.update(count),
      consumed: (count) => consume.update(count),
      stop: () => bars.stop(),
    };
  }
  let producedCount = 0;
  let consumedCount = 0;
  const started = Date.now();
  const line = () =>
    process.stdout.write(
      `  ${((Date.now() - started) / 1000).toFixed(0)} s: produced ${producedCount}/${total}, consumed ${consumedCount}/${total}\n`,
    );
  const ticker = setInterval(line, 2000);
  ticker.unref();
  return {
    produced: (count) => {
      producedCount = count;
    },
    consumed: (count) => {
      consumedCount = count;
    },
    stop: () => {
      clearInterval(ticker);
      line();
    },
  };
}
