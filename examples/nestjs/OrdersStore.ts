import { Injectable } from '@nestjs/common';
import type { OrderCreated } from './OrderEvents.js';

/** A created order as the controller recorded it, with where it was read from. */
export interface StoredOrder {
  readonly order: OrderCreated;
  readonly shardId: string;
  readonly sequenceNumber: string;
  cancelled?: string;
}

interface Waiter {
  readonly count: number;
  readonly resolve: () => void;
}

/** In-memory orders, filled by OrdersController. */
@Injectable()
export class OrdersStore {
  private readonly orders = new Map<string, StoredOrder>();
  private readonly waiters = new Set<Waiter>();

  add(stored: StoredOrder): void {
    this.orders.set(stored.order.orderId, stored);
    for (const waiter of this.waiters) {
      if (this.orders.size >= waiter.count) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  get(orderId: string): StoredOrder | undefined {
    return this.orders.get(orderId);
  }

  all(): StoredOrder[] {
    return [...this.orders.values()];
  }

  /** Resolves once at least `count` orders were created; rejects after `timeoutMs`. */
  waitForOrders(count: number, timeoutMs: number): Promise<void> {
    if (this.orders.size >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Saw ${this.orders.size} of ${count} orders within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }
}
