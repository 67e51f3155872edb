// The wait for a stream consumer to turn ACTIVE ends after activationTimeoutMs. A wall clock (the
// scheduler's now()) set back during the wait must not lengthen it by the time it went back.
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { StreamConsumerNotActiveError } from '../../src/consumer/errors/StreamConsumerNotActiveError.js';
import { StreamConsumerRegistration } from '../../src/consumer/StreamConsumerRegistration.js';
import { parseStreamAddress } from '../../src/kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(60_000);

let local: LocalKinesis | undefined;
afterEach(async () => {
  await local?.close();
  local = undefined;
});

test('a wall clock set back while the consumer is CREATING: the wait still ends after activationTimeoutMs', async () => {
  // The consumer stays CREATING far longer than the 1.5 s activation timeout.
  local = await startLocalKinesis({ efo: { consumerStatusDelayMs: 20_000 } });
  const client = local.createClient();
  const streamName = uniqueStreamName('activationSetBack');
  await local.createStream(streamName, 1);
  let setBack = 0;
  const scheduler: SchedulerLike = {
    now: () => Date.now() - setBack,
    schedule: asyncScheduler.schedule.bind(asyncScheduler) as SchedulerLike['schedule'],
  };
  const registration = new StreamConsumerRegistration({
    client,
    address: parseStreamAddress(streamName),
    fanOut: {
      consumerName: 'app',
      silenceTimeoutMs: 35_000,
      activationTimeoutMs: 1500,
      deregisterOnStop: false,
    },
    scheduler,
    backoff: { baseMs: 50, capMs: 1000, retryLimit: 5, random: () => 0.5 },
    onEvent: () => undefined,
  });
  const setBackSoon = setTimeout(() => (setBack = 600_000), 300); // an NTP step: ten minutes back
  const started = Date.now();
  const error = await registration.ensure().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const elapsed = Date.now() - started;
  clearTimeout(setBackSoon);
  registration.cancel();
  client.destroy();
  expect(error).toBeInstanceOf(StreamConsumerNotActiveError);
  expect(elapsed).toBeGreaterThanOrEqual(1500);
  // A poll or two past the timeout at most (a loaded machine), not ten minutes.
  expect(elapsed).toBeLessThan(15_000);
});
