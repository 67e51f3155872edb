import { Subject } from 'rxjs';
import {
  BROWSER_EXPO_BACKOFF_LIMIT_MS,
  BROWSER_MAX_QUEUE_BYTES,
  BROWSER_MAX_QUEUE_SIZE,
  browserProducerOptions,
} from '../../src/browser/browserProducerOptions.js';
import { pageHidden } from '../../src/browser/pageHidden.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { testPage } from '../platform/pageEnvironment.js';

describe('browser producer options', () => {
  it('fills in the browser defaults: a small queue, no give-up while offline, a short back-off', () => {
    const options = browserProducerOptions<number>({ streamName: 's' });
    expect(options).toMatchObject({
      streamName: 's',
      maxQueueSize: BROWSER_MAX_QUEUE_SIZE,
      maxQueueBytes: BROWSER_MAX_QUEUE_BYTES,
      connectionFailureTimeout: Number.POSITIVE_INFINITY,
      expoBackoffLimit: BROWSER_EXPO_BACKOFF_LIMIT_MS,
    });
    expect(options.flushOn).toBeDefined();
    expect(options).not.toHaveProperty('flushOnPageHide');
  });

  it('keeps what the caller gives, and stays valid next to larger limits', () => {
    const flush = new Subject<void>();
    const options = browserProducerOptions<number>({
      streamName: 's',
      maxQueueSize: 5,
      connectionFailureTimeout: 1000,
      expoBackoff: 30_000,
      maxRecordBytes: 10 * 1024 * 1024,
      flushOnPageHide: false,
      flushOn: flush,
    });
    expect(options).toMatchObject({
      maxQueueSize: 5,
      connectionFailureTimeout: 1000,
      expoBackoffLimit: 30_000,
      maxQueueBytes: 10 * 1024 * 1024,
    });
    expect(options.flushOn).toBe(flush);
    expect(
      browserProducerOptions<number>({ streamName: 's', flushOnPageHide: false }).flushOn,
    ).toBeUndefined();
    expect(() =>
      browserProducerOptions<number>({ streamName: 's', flushOnPageHide: 'yes' as never }),
    ).toThrow(InvalidOptionError);
  });

  it('pageHidden() emits on pagehide and on visibilitychange to hidden, and stops listening on unsubscribe', () => {
    const { page, window, document } = testPage();
    let hidden = 0;
    const subscription = pageHidden(page).subscribe(() => (hidden += 1));
    window.dispatch('pagehide');
    document.dispatch('visibilitychange'); // still visible: not a hide
    document.visibilityState = 'hidden';
    document.dispatch('visibilitychange');
    expect(hidden).toBe(2);
    subscription.unsubscribe();
    expect(window.count('pagehide') + document.count('visibilitychange')).toBe(0);
  });

  it('pageHidden() never emits where there is no page', () => {
    let hidden = 0;
    pageHidden({})
      .subscribe(() => (hidden += 1))
      .unsubscribe();
    expect(hidden).toBe(0);
  });
});
