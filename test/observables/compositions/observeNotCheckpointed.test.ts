// Case: the records of consumer.observe() (the passive view for taps) piped into checkpoint().
// They cannot be checkpointed, and the error must say so: the consumer has a checkpointer, so
// advice to give fromKinesis() one sends the user the wrong way. The direct pipeline beside the
// tap goes on and commits its own records.
import { concatMap, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  stringProcessor,
  UntrackedRecordError,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { numbers, putRecords } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

describe.each([1, 2])('a tracked consumer with %i direct pipeline(s)', (pipelines) => {
  it('checkpoint() on observe() records errors naming observe(), not the checkpointer; the pipelines commit', async () => {
    const streamName = uniqueStreamName('observe-checkpoint');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    await putRecords(client, streamName, numbers(5));
    client.destroy();
    const checkpointer = new MemoryCheckpointer();
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer,
      iteratorType: 'TRIM_HORIZON',
      processor: stringProcessor(),
    });
    const tapped = firstValueFrom(consumer.observe().pipe(deserialize(), checkpoint())).then(
      () => undefined,
      (error: unknown) => error,
    );
    const direct = Array.from({ length: pipelines }, () =>
      lastValueFrom(
        consumer.pipe(
          deserialize<string>(),
          concatMap(async (item) => item),
          checkpoint(),
          take(5),
          toArray(),
        ),
      ),
    );
    const [error, ...results] = await Promise.all([tapped, ...direct]);
    await consumer.stopped();

    expect(error).toBeInstanceOf(UntrackedRecordError);
    const { message } = error as UntrackedRecordError;
    expect(message).toContain('observe()');
    expect(message).not.toContain('pass the checkpointer to fromKinesis');
    expect((error as UntrackedRecordError).origin).toBe('observe');
    for (const items of results) expect(items.map((item) => item.data)).toEqual(numbers(5));
    expect(checkpointer.snapshot()).toHaveLength(1);
  });
});
