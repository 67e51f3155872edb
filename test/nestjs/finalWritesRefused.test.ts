// app.close() whose final checkpoint write the store refuses (it holds a later position: another
// worker wrote past it) and whose lease release then hangs: the warning at finalWritesTimeoutMs
// names the shard's checkpoint as refused, not as "not written" (nothing is lost there).
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CheckpointPosition, KinesisConsumerObservable, Lease } from 'rxjs-kinesis';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { HangingCheckpointer } from './fixtures/HangingCheckpointer.js';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);

const harness = useNestHarness();

/** Answers every checkpoint write false at once (its store holds a later position). */
class RefusingCheckpointer extends HangingCheckpointer {
  readonly refused: CheckpointPosition[] = [];

  override checkpoint(_lease: Lease, position: CheckpointPosition): Promise<boolean> {
    this.refused.push(position);
    return Promise.resolve(false);
  }
}

it('a final checkpoint the store refused is named as refused, not as not written', async () => {
  const streamName = await harness.createStream('nest-final-refused');
  const checkpointer = new RefusingCheckpointer();
  const handled: string[] = [];
  @Controller()
  class OrdersController {
    @EventPattern('order')
    onOrder(@Payload() data: { id: string }): void {
      handled.push(data.id);
    }
  }
  const report = await emitted(harness.client(streamName), 'order', { id: 'o1' });
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 600_000 },
    finalWritesTimeoutMs: 1000,
  });
  const warn = jest.spyOn(Logger.prototype, 'warn');
  try {
    const app = await harness.startApp(strategy, [OrdersController]);
    const consumer = strategy.unwrap<KinesisConsumerObservable>();
    await waitFor('the event handled', () => handled.length === 1);
    checkpointer.hang();
    await harness.closeApp(app);
    expect(checkpointer.refused).toEqual([{ sequenceNumber: report.sequenceNumber }]);
    const warning = warn.mock.calls
      .map(([message]) => String(message))
      .find((message) => message.includes('finalWritesTimeoutMs (1000 ms)'));
    expect(warning).not.toContain('checkpoints not written');
    expect(warning).toContain(
      `checkpoints the store refused, holding later positions: ${report.shardId} ` +
        `(done up to ${report.sequenceNumber})`,
    );
    expect(warning).toContain(`leases not released: ${report.shardId}`);
    checkpointer.answer();
    await consumer.stopped();
  } finally {
    checkpointer.answer();
    warn.mockRestore();
  }
});
