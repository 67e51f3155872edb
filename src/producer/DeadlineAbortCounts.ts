import type { DeliveryReport } from './DeliveryReport.js';
import type { CloseTimeoutCounts } from './errors/ProducerCloseTimeoutError.js';
import { ProducerAbortedError } from './errors/ProducerAbortedError.js';

/**
 * What the abort at a `close({ timeoutMs })` deadline reported, counted report by report as it
 * reports (see ProducerCloseTimeoutError).
 */
export class DeadlineAbortCounts implements CloseTimeoutCounts {
  failed = 0;
  deliveryUnknown = 0;
  delivered = 0;

  constructor(
    readonly timeoutMs: number,
    readonly waitingPuts: number,
  ) {}

  /** Counts one report of the abort. */
  count(report: DeliveryReport<unknown>): void {
    if (report.status === 'delivered') this.delivered += 1;
    else {
      this.failed += 1;
      const { error } = report;
      if (error instanceof ProducerAbortedError && error.deliveryUnknown) this.deliveryUnknown += 1;
    }
  }
}
