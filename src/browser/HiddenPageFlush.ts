import { merge, Subject, type Observable } from 'rxjs';
import { currentPage, isHidden, type PageEnvironment } from '../platform/page.js';
import { pageHidden } from './pageHidden.js';

/**
 * The page-hide flush trigger of one browser producer: it fires when the page is being hidden
 * and, while the page stays hidden, after each item the producer takes. An item tracked once the
 * hide's flush has run (by the app's own `visibilitychange` or `pagehide` listener, added after
 * the producer's, or later in the background) would otherwise wait for `bufferTime` in a page that
 * may be frozen or closed at any moment.
 */
export class HiddenPageFlush {
  private readonly taken = new Subject<void>();
  private pending = false;
  readonly flushOn: Observable<void>;

  constructor(private readonly page: PageEnvironment = currentPage()) {
    this.flushOn = merge(pageHidden(page), this.taken);
  }

  /**
   * Called as an item is handed to the producer: while the page is hidden, the producer is told
   * to flush once that item is in (a microtask later, which still runs before the page's next
   * event listener).
   */
  itemTaken(): void {
    if (this.pending || !this.taken.observed || !isHidden(this.page)) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.taken.next();
    });
  }
}
