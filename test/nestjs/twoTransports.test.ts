// Two Kinesis transports in one process, each reading its own stream, with handlers bound to one
// transport by its id (setTransportId) or to both.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { KinesisTransportStrategy, type KinesisContext } from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);

const harness = useNestHarness();

const ORDERS = Symbol('orders');
const AUDIT = Symbol('audit');

it('routes each stream to the handlers of its transport', async () => {
  const [orders, audit] = await Promise.all([
    harness.createStream('nest-orders'),
    harness.createStream('nest-audit'),
  ]);
  const seen: string[] = [];
  @Controller()
  class EventsController {
    @EventPattern('created', ORDERS)
    onOrder(@Payload() data: { id: string }): void {
      seen.push(`orders-only ${data.id}`);
    }

    @EventPattern('created', AUDIT)
    onAudit(@Payload() data: { id: string }): void {
      seen.push(`audit-only ${data.id}`);
    }

    @EventPattern('ping')
    onPing(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
      seen.push(`both ${data.id} ${context.getItem().record.streamName === orders ? 'orders' : 'audit'}`);
    }
  }
  for (const [streamName, id] of [
    [orders, ORDERS],
    [audit, AUDIT],
  ] as const) {
    const strategy = new KinesisTransportStrategy({ consumer: harness.consumerOptions(streamName) });
    strategy.setTransportId(id);
    await harness.startApp(strategy, [EventsController]);
  }
  const [toOrders, toAudit] = [orders, audit].map((streamName) => harness.client(streamName));
  await emitted(toOrders!, 'created', { id: 'o-1' });
  await emitted(toAudit!, 'created', { id: 'a-1' });
  await emitted(toOrders!, 'ping', { id: 'p-1' });
  await emitted(toAudit!, 'ping', { id: 'p-2' });
  await waitFor('the four events', () => seen.length >= 4, 60_000);
  // A handler bound to the wrong transport would add a fifth: give it time to.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect([...seen].sort()).toEqual([
    'audit-only a-1',
    'both p-1 orders',
    'both p-2 audit',
    'orders-only o-1',
  ]);
});
