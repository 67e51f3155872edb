/**
 * The few parts of a browser page the library listens to (page hide, visibility, online state),
 * typed structurally so that the library compiles without the DOM types and runs, doing nothing,
 * where there is no page (Node, server-side rendering); in a worker, only the online state.
 */

type Listener = () => void;

/** An EventTarget, as far as the library uses one. */
export interface PageEventTarget {
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
}

/** The page's window, document and navigator, each possibly absent. */
export interface PageEnvironment {
  readonly window?: PageEventTarget;
  readonly document?: PageEventTarget & { readonly visibilityState?: string };
  readonly navigator?: { readonly onLine?: boolean };
}

/**
 * The running page, or an empty environment where there is none. In a worker (no window, no
 * document) the global scope stands for the window: it is what gets the `online` event there.
 */
export function currentPage(): PageEnvironment {
  const scope = globalThis as {
    window?: PageEventTarget;
    document?: PageEventTarget & { readonly visibilityState?: string };
    navigator?: { readonly onLine?: boolean };
    addEventListener?: unknown;
    removeEventListener?: unknown;
  };
  const isTarget = (target: { addEventListener?: unknown; removeEventListener?: unknown } | undefined) =>
    typeof target?.addEventListener === 'function' && typeof target.removeEventListener === 'function';
  const window = isTarget(scope.window)
    ? scope.window
    : scope.window === undefined && isTarget(scope)
      ? (scope as PageEventTarget)
      : undefined;
  return {
    ...(window === undefined ? {} : { window }),
    ...(typeof scope.document?.addEventListener === 'function' ? { document: scope.document } : {}),
    ...(scope.navigator !== undefined ? { navigator: scope.navigator } : {}),
  };
}

/** False only when the browser says it is offline (`navigator.onLine === false`). */
export function isOnline(page: PageEnvironment): boolean {
  return page.navigator?.onLine !== false;
}

/** Whether the page is hidden now (`document.visibilityState === 'hidden'`). */
export function isHidden(page: PageEnvironment): boolean {
  return page.document?.visibilityState === 'hidden';
}

/**
 * Calls `listener` when the page is being hidden: `pagehide` on the window, or `visibilitychange`
 * to hidden on the document (the last event a page can count on, on mobile browsers too).
 * Returns the function that removes the listeners.
 */
export function onPageHidden(page: PageEnvironment, listener: Listener): () => void {
  const onVisibility = (): void => {
    if (isHidden(page)) listener();
  };
  page.window?.addEventListener('pagehide', listener);
  page.document?.addEventListener('visibilitychange', onVisibility);
  return () => {
    page.window?.removeEventListener('pagehide', listener);
    page.document?.removeEventListener('visibilitychange', onVisibility);
  };
}

/** Calls `listener` on the window's `online` event; returns the function that removes it. */
export function onOnline(page: PageEnvironment, listener: Listener): () => void {
  page.window?.addEventListener('online', listener);
  return () => page.window?.removeEventListener('online', listener);
}
