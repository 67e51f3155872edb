/** Data of an `order.created` event. */
export interface OrderCreated {
  readonly orderId: string;
  readonly customer: string;
  readonly total: number;
}

/** Data of an `order.cancelled` event. */
export interface OrderCancelled {
  readonly orderId: string;
  readonly reason: string;
}
