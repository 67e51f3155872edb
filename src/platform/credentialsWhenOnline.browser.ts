import { currentPage, isOnline, onOnline, type PageEnvironment } from './page.js';
import type { ProviderWhenOnline } from './credentialsWhenOnline.js';

export type { ProviderWhenOnline } from './credentialsWhenOnline.js';

type Provider<C> = (...args: unknown[]) => Promise<C>;

/**
 * The browser build's credentials provider: while the browser says it is offline, a call waits
 * for the `online` event (at most `waitMs`, the request timeout) before it asks the provider, as
 * a request waits in the fetch handler. The SDK asks for credentials before it hands the request
 * to the handler, and a provider of temporary credentials (Cognito, STS) goes over the network
 * itself: without the wait it would fail at once while offline, each retry again, and delivery
 * would resume only at the next retry after the network is back. `cancel()` (the client destroyed)
 * rejects the calls still waiting and removes their listeners and timers.
 */
export function credentialsWhenOnline<C>(
  provider: Provider<C>,
  waitMs: number,
  page: PageEnvironment = currentPage(),
): ProviderWhenOnline<C> {
  const waiting = new Set<(error?: Error) => void>();
  const whenOnline = (...args: unknown[]): Promise<C> => {
    if (isOnline(page)) return provider(...args);
    return new Promise<C>((resolve, reject) => {
      let removeOnline = (): void => undefined;
      const end = (error?: Error): void => {
        clearTimeout(timer);
        removeOnline();
        waiting.delete(end);
        if (error !== undefined) return reject(error);
        try {
          resolve(provider(...args));
        } catch (thrown) {
          reject(thrown);
        }
      };
      const timer = setTimeout(() => end(), waitMs);
      removeOnline = onOnline(page, () => end());
      waiting.add(end);
    });
  };
  return {
    provider: whenOnline,
    cancel: () => {
      const aborted = Object.assign(new Error('the client was destroyed while it waited to be online'), {
        name: 'AbortError',
      });
      for (const end of [...waiting]) end(aborted);
    },
  };
}
