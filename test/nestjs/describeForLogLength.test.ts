// Case: a handler's failure often quotes the event's data (a validator naming the value it
// refused), which whoever wrote the record chose. Its description went into the log line whole:
// one record with a megabyte-long value logged a megabyte-long line, where a long pattern is cut
// after 200 characters. A description is now cut after 2,000 characters, its length said, once
// redacted (so no secret is shown in part).
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern, RpcException } from '@nestjs/microservices';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { describeForLog } from '../../src/nestjs/describeForLog.js';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(60_000);

const harness = useNestHarness();

afterEach(() => jest.restoreAllMocks());

const LONG = 'v'.repeat(1_000_000);

it.each([
  ['an error quoting a long value', new Error(`value too long: ${LONG}`), 'Error: value too long: vvv'],
  ['an object holding one', { status: 'error', value: LONG }, '{"status":"error","value":"vvv'],
  ['a thrown string', `refused ${LONG}`, '"refused vvv'],
])('%s is described in at most 2,000 characters, its length said', (_case, failure, start) => {
  const line = describeForLog(failure);
  expect(line.startsWith(start)).toBe(true);
  expect(line).toMatch(/^[^…]{2000}… \(\d{7} characters\)$/);
});

it('is cut once redacted: a secret at the cut is hidden whole, not shown in part', () => {
  // 'Error: ' and 1,983 characters, then the key across the cut at 2,000.
  const line = describeForLog(new Error(`${'x'.repeat(1_983)} key AKIAIOSFODNN7EXAMPLE ${LONG}`));
  expect(line).not.toContain('AKIAIOSF');
  expect(line).toMatch(/ key \[[a-z]*… \(\d+ characters\)$/);
});

it('a short description is as before, a character beyond U+FFFF never cut in half', () => {
  expect(describeForLog(new Error('order 42 not found'))).toBe('Error: order 42 not found');
  // A thrown string is shown as JSON: its opening quote and 1,998 characters, then the emoji.
  const line = describeForLog(`${'x'.repeat(1_998)}\u{1F600}${'y'.repeat(10)}`);
  expect(line).toBe(`"${'x'.repeat(1_998)}… (2012 characters)`);
});

it("the transport's log line of a handler's failure quoting a megabyte-long value is bounded", async () => {
  const streamName = await harness.createStream('nest-long-failure');
  const lines: string[] = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
    lines.push(String(message));
  });
  @Controller()
  class EventsController {
    @EventPattern('order.created')
    onCreated(): void {
      // Nest passes an RpcException's own message on (a plain Error's becomes "Internal server error").
      throw new RpcException(`order refused: ${LONG}`);
    }
  }
  await harness.startApp(new KinesisTransportStrategy({ consumer: harness.consumerOptions(streamName) }), [
    EventsController,
  ]);
  await emitted(harness.client(streamName), 'order.created', { id: 1 });
  const logged = () => lines.find((line) => line.startsWith('Handler for order.created failed'));
  await waitFor('the failure logged', () => logged() !== undefined);
  const line = logged() ?? '';
  expect(line).toMatch(
    /^Handler for order\.created failed on shardId-\d+ @ \d+: \{"status":"error","message":"order refused: v+… \(\d+ characters\)$/,
  );
  expect(line.length).toBeLessThan(2_200);
});
