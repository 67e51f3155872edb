/**
 * A credentials provider as it is called on Node: as it is. The browser build replaces this
 * module with credentialsWhenOnline.browser.ts, whose calls wait while the browser is offline.
 */

type Provider<C> = (...args: unknown[]) => Promise<C>;

/** A provider whose calls may wait for the network, and a way to end the calls still waiting. */
export interface ProviderWhenOnline<C> {
  readonly provider: Provider<C>;
  readonly cancel: () => void;
}

export function credentialsWhenOnline<C>(provider: Provider<C>, _waitMs: number): ProviderWhenOnline<C> {
  return { provider, cancel: () => undefined };
}
