import { RxjsKinesisError } from '../../index.js';

/**
 * The Nest transport or client was used in a way it does not support: `unwrap()` before
 * `listen()`/`connect()`, `listen()` twice, an unknown event name to `on()`, `send()` (Kinesis has
 * no replies) or `on()` on the client. A programming error: `retriable` is false.
 */
export class NestUsageError extends RxjsKinesisError {
  /** The call that was refused, e.g. `KinesisClientProxy.send()`. */
  readonly call: string;

  constructor(call: string, message: string) {
    super(`${call}: ${message}`, { retriable: false });
    this.call = call;
  }
}
