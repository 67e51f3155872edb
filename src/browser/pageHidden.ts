import { Observable } from 'rxjs';
import { currentPage, onPageHidden, type PageEnvironment } from '../platform/page.js';

/**
 * Emits each time the page is being hidden: `pagehide`, or `visibilitychange` to hidden (a tab
 * switched away, the app sent to the background, the page closed on a phone). Never emits where
 * there is no page (server-side rendering).
 */
export function pageHidden(page: PageEnvironment = currentPage()): Observable<void> {
  return new Observable<void>((subscriber) => onPageHidden(page, () => subscriber.next()));
}
