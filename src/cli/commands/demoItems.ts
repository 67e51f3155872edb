import { randomBytes } from 'node:crypto';

/**
 * What one demo item carries: the run that wrote it, its id, when it was made, and padding up to
 * the chosen size.
 */
export interface DemoItem {
  readonly run: string;
  readonly id: number;
  readonly at: number;
  readonly payload: string;
}

/**
 * A new run's id. A stream given with `--stream` may hold items of earlier runs (same ids) and of
 * other writers: the run id tells this run's items from them.
 */
export function newDemoRun(): string {
  return randomBytes(4).toString('hex');
}

export function makeDemoItem(run: string, id: number, itemBytes: number): DemoItem {
  const padding = Math.max(0, itemBytes - 56);
  return { run, id, at: Date.now(), payload: 'x'.repeat(padding) };
}

/** This run's item in what was read (a string item is its JSON), or undefined for anything else. */
export function demoItemOf(data: unknown, run: string, stringItems: boolean): DemoItem | undefined {
  let value = data;
  if (stringItems) {
    if (typeof data !== 'string') return undefined;
    try {
      value = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const item = value as Partial<DemoItem>;
  return item.run === run && typeof item.id === 'number' && typeof item.at === 'number'
    ? (value as DemoItem)
    : undefined;
}
