/** Injection token of the KinesisClientProxy that publishes order events. */
export const ORDERS_CLIENT = 'ORDERS_CLIENT';
