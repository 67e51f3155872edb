import type { KinesisCredentials, KinesisCredentialsProvider } from './createKinesisClient.js';
import { credentialsWhenOnline } from '../platform/credentialsWhenOnline.js';
import { checkedProviderAnswer } from './checkedCredentials.js';
import { markedNotSent } from './requestNotSent.js';

/** A credentials provider with a deadline on each call, and a way to end the calls still waiting. */
export interface BoundedCredentials {
  readonly provider: KinesisCredentialsProvider;
  /**
   * Ends every call still waiting for the provider (rejected), its timer cancelled, and every
   * later call at once (the client is destroyed).
   */
  readonly cancel: () => void;
}

/**
 * Why a call for credentials failed: the provider did not answer within the deadline. Named and
 * coded as the SDK's own request deadlines are (a timed-out connection, retriable), and marked
 * as raised before the request was sent: the SDK signs a request before it sends it.
 */
function timeoutError(timeoutMs: number): Error {
  return markedNotSent(
    Object.assign(
      new Error(`the credentials provider gave no credentials within ${timeoutMs} ms (timed out)`),
      { name: 'TimeoutError', code: 'ETIMEDOUT' },
    ),
  );
}

function destroyedError(): Error {
  return Object.assign(new Error('the client was destroyed while it waited for credentials'), {
    name: 'AbortError',
  });
}

/**
 * Gives each call of a credentials provider a deadline. The SDK asks the provider before it
 * signs a request, outside the request handler and its deadlines, and waits for it for ever: a
 * provider that never answers (a Cognito or STS endpoint that takes the request and stays silent)
 * would hold every call of the client, and whatever waits for them, for good. A call not answered
 * within `timeoutMs` rejects with a timeout, which the library treats as a connection that timed
 * out; the provider's late answer is ignored. An answer that is no usable credentials object
 * rejects with checkedProviderAnswer's InvalidOptionError (not retriable; the SDK does not keep a
 * rejected answer, so the provider is asked again at the next request). The timer runs on the real clock, as the request
 * handler's do.
 */
export function boundedCredentials(
  provider: KinesisCredentialsProvider,
  timeoutMs: number,
): BoundedCredentials {
  const waiting = new Set<(error: unknown) => void>();
  let cancelled = false;
  const bounded = (...args: unknown[]): Promise<KinesisCredentials> =>
    new Promise<KinesisCredentials>((resolve, reject) => {
      // A call that reaches the provider after the client was destroyed ends at once.
      if (cancelled) {
        reject(destroyedError());
        return;
      }
      let settled = false;
      const end = (error: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        waiting.delete(end);
        reject(error);
      };
      const timer = setTimeout(() => end(timeoutError(timeoutMs)), timeoutMs);
      waiting.add(end);
      const answer = (async () =>
        (provider as (...given: unknown[]) => Promise<KinesisCredentials>)(...args))();
      answer.then(
        (credentials) => {
          if (settled) return;
          let checked: KinesisCredentials;
          try {
            checked = checkedProviderAnswer(credentials);
          } catch (unfit) {
            end(unfit);
            return;
          }
          settled = true;
          clearTimeout(timer);
          waiting.delete(end);
          resolve(checked);
        },
        (error: unknown) => end(error),
      );
    });
  return {
    provider: bounded,
    cancel: () => {
      cancelled = true;
      const ends = [...waiting];
      for (const end of ends) end(destroyedError());
    },
  };
}

/**
 * The credentials a client the library builds is given: a provider function bounded by
 * `timeoutMs` (see boundedCredentials) and, in the browser build, whose calls wait up to
 * `onlineWaitMs` while the browser is offline (see credentialsWhenOnline); an object as
 * checkedCredentials made it (read at each use, not copied: a copy would not see keys rotated in
 * place). `bounded` is what the client's destroy() must end too (see cancelledOnDestroy); none
 * for an object.
 */
export function clientCredentials(
  credentials: KinesisCredentials | KinesisCredentialsProvider | undefined,
  timeoutMs: number,
  onlineWaitMs: number = timeoutMs,
): {
  readonly credentials?: KinesisCredentials | KinesisCredentialsProvider;
  readonly bounded?: BoundedCredentials;
} {
  if (typeof credentials === 'function') {
    const bounded = boundedCredentials(credentials, timeoutMs);
    const online = credentialsWhenOnline(bounded.provider, onlineWaitMs);
    const cancel = (): void => {
      online.cancel();
      bounded.cancel();
    };
    return { credentials: online.provider, bounded: { provider: online.provider, cancel } };
  }
  return credentials === undefined ? {} : { credentials };
}

/** Makes `client.destroy()` end the calls for credentials still waiting: no deadline is left running. */
export function cancelledOnDestroy(
  client: { destroy(): void },
  bounded: BoundedCredentials | undefined,
): void {
  if (bounded === undefined) return;
  const destroy = client.destroy.bind(client);
  client.destroy = () => {
    bounded.cancel();
    destroy();
  };
}
