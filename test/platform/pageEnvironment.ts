import type { PageEnvironment } from '../../src/platform/page.js';

type Listener = () => void;

/** An event target that records its listeners and dispatches to them, like a page's window. */
export class RecordingTarget {
  readonly listeners = new Map<string, Set<Listener>>();

  addEventListener(type: string, listener: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  dispatch(type: string): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }

  count(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
}

/** A page whose visibility and online state the test sets. */
export function testPage(): {
  page: PageEnvironment;
  window: RecordingTarget;
  document: RecordingTarget & { visibilityState: string };
  navigator: { onLine: boolean };
} {
  const window = new RecordingTarget();
  const document = Object.assign(new RecordingTarget(), { visibilityState: 'visible' });
  const navigator = { onLine: true };
  return { page: { window, document, navigator }, window, document, navigator };
}
