import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RpcException } from '@nestjs/microservices';
import { defer, type Observable } from 'rxjs';
import { KinesisContext } from 'rxjs-kinesis/nestjs';
import type { OrderCancelled, OrderCreated } from './OrderEvents.js';
import { OrdersStore } from './OrdersStore.js';

/** Handles order events read from Kinesis by KinesisTransportStrategy. */
@Controller()
export class OrdersController {
  constructor(@Inject(OrdersStore) private readonly store: OrdersStore) {}

  /** A handler returning a promise: the event is checkpointed once it resolves. */
  @EventPattern('order.created')
  async onOrderCreated(@Payload() order: OrderCreated, @Ctx() context: KinesisContext): Promise<void> {
    this.store.add({ order, shardId: context.getShardId(), sequenceNumber: context.getSequenceNumber() });
  }

  /**
   * A handler returning an Observable: the event is checkpointed once it completes. Cancelling
   * an unknown order fails; the transport logs it and passes it to its dead-letter callback.
   */
  @EventPattern('order.cancelled')
  onOrderCancelled(@Payload() cancel: OrderCancelled): Observable<void> {
    return defer(async () => {
      const stored = this.store.get(cancel.orderId);
      if (stored === undefined) throw new RpcException(`Order ${cancel.orderId} does not exist`);
      stored.cancelled = cancel.reason;
    });
  }
}
