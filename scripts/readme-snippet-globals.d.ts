// Names the README's TypeScript snippets leave to the application (its events, its handler),
// declared with the types an application would give them, so that every snippet typechecks.
import type { Observable } from 'rxjs';

declare global {
  /** An application event. */
  interface Order {
    readonly orderId: string;
    readonly userId: string;
    readonly amount: number;
  }
  const order: Order;
  const orders$: Observable<Order>;
  const events$: Observable<Order>;
  /** The application's handler of one event. */
  function handle(order: Order): Promise<void>;
  function log(value: unknown): void;
  /** An Avro type (e.g. from the avsc package). */
  const orderType: { toBuffer(value: Order): Buffer; fromBuffer(bytes: Buffer): Order };
}
