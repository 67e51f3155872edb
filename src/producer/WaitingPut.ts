import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { DeliveredReport } from './DeliveryReport.js';
import type { PreparedItem } from './OutgoingRecord.js';

/** A put() (or send()) call waiting for room in the queue: its item, and how to settle the call. */
export interface WaitingPut<T> {
  readonly prepared: PreparedItem<T>;
  readonly accepted: () => void;
  readonly refused: (error: RxjsKinesisError) => void;
}

/** A send() call waiting for its item's delivery report. */
export interface DeliveryWaiter<T> {
  readonly resolve: (report: DeliveredReport<T>) => void;
  readonly reject: (error: RxjsKinesisError) => void;
}
