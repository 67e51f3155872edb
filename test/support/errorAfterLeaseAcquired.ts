import { firstValueFrom, materialize, toArray } from 'rxjs';
import type { KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';

/**
 * Runs `consumer` with `checkpoint()` until it ends; once it holds its first lease, `act()` (say,
 * break its checkpointer). Resolves, after `stopped()`, with the error it ended with (undefined
 * if it completed) and how long after `act()` it ended (ms).
 */
export async function errorAfterLeaseAcquired(
  consumer: KinesisConsumerObservable,
  act: () => Promise<unknown>,
): Promise<{ readonly error: unknown; readonly elapsedMs: number }> {
  const acquired = new Promise<void>((resolve) => {
    const watch = consumer.events$.subscribe((event) => {
      if (event.type !== 'lease-acquired') return;
      watch.unsubscribe();
      resolve();
    });
  });
  const ended = firstValueFrom(consumer.pipe(checkpoint(), materialize(), toArray()));
  await acquired;
  await act();
  const actedAt = performance.now();
  const notifications = await ended;
  const elapsedMs = performance.now() - actedAt;
  await consumer.stopped();
  return { error: notifications.at(-1)?.error, elapsedMs };
}
