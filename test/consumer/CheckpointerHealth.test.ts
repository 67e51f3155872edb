import { VirtualTimeScheduler } from 'rxjs';
import { CheckpointerClosedError } from '../../src/checkpointers/errors/CheckpointerClosedError.js';
import { LeaseLostError } from '../../src/checkpointers/errors/LeaseLostError.js';
import { RedisReplicaError } from '../../src/checkpointers/redis/errors/RedisReplicaError.js';
import { LeaseTableMissingError } from '../../src/checkpointers/dynamodb/errors/LeaseTableMissingError.js';
import { CheckpointerHealth } from '../../src/consumer/CheckpointerHealth.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';

function unexpected(error: unknown): void {
  throw new Error(`not a misconfiguration: ${String(error)}`);
}

describe('CheckpointerHealth', () => {
  test('times out once calls kept failing for timeoutMs since the last success', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (error) => timeouts.push(error), unexpected);
    health.failed(new Error('first'));
    health.failed(new Error('last'));
    scheduler.flush();
    expect(timeouts).toEqual([new Error('last')]);
  });

  test('a success in between starts the count again', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (error) => timeouts.push(error), unexpected);
    health.failed(new Error('down'));
    health.ok();
    scheduler.flush();
    expect(timeouts).toEqual([]);
  });

  test('counted from the first failure since the last success: one failure after a quiet spell is no outage', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (error) => timeouts.push(error), unexpected);
    health.ok();
    // Nothing called for longer than timeoutMs (a quiet stream), then a call fails once.
    scheduler.schedule(() => health.failed(new Error('blip')), 5000);
    scheduler.schedule(() => health.ok(), 5999);
    scheduler.flush();
    expect(timeouts).toEqual([]);

    const failing = new VirtualTimeScheduler();
    const health2 = new CheckpointerHealth(
      1000,
      failing,
      (error) => timeouts.push([error, failing.now()]),
      unexpected,
    );
    health2.ok();
    failing.schedule(() => health2.failed(new Error('down')), 5000);
    failing.schedule(() => health2.failed(new Error('still down')), 5500);
    failing.flush();
    expect(timeouts).toEqual([[new Error('still down'), 6000]]);
  });

  test('stop() is final: a failure reported afterwards (a late call of the stopping run) starts no timer', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (error) => timeouts.push(error), unexpected);
    health.failed(new Error('before'));
    health.stop();
    health.failed(new Error('after'));
    expect(scheduler.actions).toHaveLength(0);
    scheduler.flush();
    expect(timeouts).toEqual([]);
  });

  test.each([
    ['a missing lease table', new LeaseTableMissingError('leases', 'orders')],
    ['a lease table deleted in use', new LeaseTableMissingError('leases', 'orders', { deleted: true })],
    ['a Redis URL naming a replica', new RedisReplicaError('renewLease', '127.0.0.1:6380', 60_000)],
    ['an invalid option', new InvalidOptionError('handoffTo', '', 'expected a non-empty string')],
    ['a closed checkpointer', new CheckpointerClosedError('redis', 'renew a lease')],
  ])('%s is not retried: reported at once, and no timer is left', (_name, error) => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const refused: unknown[] = [];
    const health = new CheckpointerHealth(
      1000,
      scheduler,
      (e) => timeouts.push(e),
      (e) => refused.push(e),
    );
    health.failed(new Error('down'));
    health.failed(error);
    expect(refused).toEqual([error]);
    expect(scheduler.actions).toHaveLength(0);
    health.failed(new Error('later'));
    scheduler.flush();
    expect(timeouts).toEqual([]);
    expect(refused).toEqual([error]);
  });

  test('a lost lease and other failures are retried as before', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (e) => timeouts.push(e), unexpected);
    const lost = new LeaseLostError({
      streamName: 'orders',
      shardId: 'shardId-000000000000',
      expectedOwner: 'w1',
    });
    health.failed(lost);
    scheduler.flush();
    expect(timeouts).toEqual([lost]);
  });
});
