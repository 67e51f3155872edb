// A handler may fail with any value, and an exception filter may pass it on as it is
// (`@Catch()` returning `throwError(() => exception)`, common in Nest microservices). A value
// with no readable description (an Error whose message getter throws, a revoked Proxy, a
// null-prototype object with a cycle) is still dead-lettered and the shard goes on: describing
// it for the log never stops the transport, nor escapes as an uncaught exception.
import 'reflect-metadata';
import { Catch, Controller, UseFilters, type ExceptionFilter } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { config, throwError, type Observable } from 'rxjs';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { KinesisTransportStrategy, type KinesisDeadLetter } from 'rxjs-kinesis/nestjs';
import { describeForLog } from '../../src/nestjs/describeForLog.js';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

const uncaught: unknown[] = [];
const previousHandler = config.onUnhandledError;
beforeAll(() => {
  config.onUnhandledError = (error: unknown) => void uncaught.push(error);
});
afterAll(() => {
  config.onUnhandledError = previousHandler;
});

/** Values that cannot be read as text (JSON or String()) without throwing. */
const undescribable: Record<string, () => unknown> = {
  'message getter throws': () => {
    const error = new Error('hidden');
    Object.defineProperty(error, 'message', {
      get(): string {
        throw new Error('message not readable');
      },
    });
    return error;
  },
  'revoked proxy': () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  },
  'null-prototype cycle': () => {
    const value = Object.create(null) as Record<string, unknown>;
    value['self'] = value;
    return value;
  },
};

/** Passes the handler's failure on as it is. */
@Catch()
class PassOnFilter implements ExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

it('describeForLog() describes any value without throwing', () => {
  for (const make of Object.values(undescribable)) expect(typeof describeForLog(make())).toBe('string');
  expect(describeForLog(new TypeError('bad'))).toBe('TypeError: bad');
  expect(describeForLog({ status: 'error', message: 'Internal server error' })).toBe(
    '{"status":"error","message":"Internal server error"}',
  );
  expect(describeForLog(10n)).toBe('10');
  expect(describeForLog(undefined)).toBe('undefined');
});

it('a failure value with no readable description is dead-lettered and the shard goes on', async () => {
  const streamName = await harness.createStream('nest-undescribable');
  const handled: string[] = [];
  @Controller()
  class FailingController {
    @UseFilters(new PassOnFilter())
    @EventPattern('fails')
    fails(@Payload() data: { kind: string }): Promise<void> {
      return Promise.reject(undescribable[data.kind]?.());
    }

    @EventPattern('fine')
    fine(@Payload() data: { id: string }): void {
      handled.push(data.id);
    }
  }
  const deadLetters: KinesisDeadLetter[] = [];
  const errors: unknown[] = [];
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, new MemoryCheckpointer()),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
  });
  strategy.on('error', (error) => errors.push(error));
  await harness.startApp(strategy, [FailingController]);
  const client = harness.client(streamName);
  for (const kind of Object.keys(undescribable)) await emitted(client, 'fails', { kind }, 'k');
  await emitted(client, 'fine', { id: 'after' }, 'k');
  await waitFor('the event after the failures', () => handled.length > 0 || errors.length > 0, WAIT_MS);
  expect(errors).toEqual([]);
  expect(handled).toEqual(['after']);
  expect(deadLetters.map((deadLetter) => deadLetter.reason)).toEqual([
    'handler-failed',
    'handler-failed',
    'handler-failed',
  ]);
  expect(uncaught).toEqual([]);
});
