import { VirtualTimeScheduler } from 'rxjs';
import { CheckpointerHealth } from '../../src/consumer/CheckpointerHealth.js';

describe('CheckpointerHealth', () => {
  test('times out once calls kept failing for timeoutMs since the last success', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (error) => timeouts.push(error));
    health.failed(new Error('first'));
    health.failed(new Error('last'));
    scheduler.flush();
    expect(timeouts).toEqual([new Error('last')]);
  });

  test('a success in between starts the count again', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (error) => timeouts.push(error));
    health.failed(new Error('down'));
    health.ok();
    scheduler.flush();
    expect(timeouts).toEqual([]);
  });

  test('stop() is final: a failure reported afterwards (a late call of the stopping run) starts no timer', () => {
    const scheduler = new VirtualTimeScheduler();
    const timeouts: unknown[] = [];
    const health = new CheckpointerHealth(1000, scheduler, (error) => timeouts.push(error));
    health.failed(new Error('before'));
    health.stop();
    health.failed(new Error('after'));
    expect(scheduler.actions).toHaveLength(0);
    scheduler.flush();
    expect(timeouts).toEqual([]);
  });
});
