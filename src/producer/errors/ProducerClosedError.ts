import { RxjsKinesisError, type ErrorContext } from '../../errors/RxjsKinesisError.js';

/** An item was given to a producer after close() was called. The item was not accepted. */
export class ProducerClosedError extends RxjsKinesisError {
  constructor(context: ErrorContext = {}) {
    super('The producer is closed: put(), putAll() and send() take no item after close()', {
      retriable: false,
      context,
    });
  }
}
