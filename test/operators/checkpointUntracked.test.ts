// checkpoint() on records fromKinesis() did not emit (made by hand, as in a unit test of a
// pipeline, or copied without their hidden fields) errors with UntrackedRecordError whose message
// says so, instead of telling the user to give fromKinesis() the checkpointer it may well have.
import { lastValueFrom, of } from 'rxjs';
import { checkpoint, deserialize, UntrackedRecordError, type KinesisRecord } from '../../src/index.js';

const handMade: KinesisRecord = {
  streamName: 'orders',
  shardId: 'shardId-000000000000',
  sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
  partitionKey: 'k',
  data: new TextEncoder().encode('{"id":1}'),
  approximateArrivalTimestamp: new Date(0),
};

async function failure(values: readonly KinesisRecord[]): Promise<UntrackedRecordError> {
  const error: unknown = await lastValueFrom(of(...values).pipe(checkpoint())).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UntrackedRecordError);
  return error as UntrackedRecordError;
}

it.each([
  ['a record made by hand', [handMade]],
  ['a copy of a record made by structuredClone', [structuredClone(handMade)]],
])('%s: the error says fromKinesis() did not emit it', async (_name, values) => {
  const error = await failure(values);
  expect(error.origin).toBe('not-emitted');
  expect(error.message).toContain('fromKinesis() did not emit');
  expect(error.message).not.toContain('pass the checkpointer to fromKinesis');
  expect(error.context).toEqual({ streamName: 'orders', shardId: 'shardId-000000000000' });
  expect(error.retriable).toBe(false);
});

it('an item deserialize() made of a hand-made record: the same error', async () => {
  const items = await lastValueFrom(of(handMade).pipe(deserialize()), { defaultValue: undefined });
  expect(items).toBeDefined();
  const error: unknown = await lastValueFrom(of(handMade).pipe(deserialize(), checkpoint())).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UntrackedRecordError);
  expect((error as UntrackedRecordError).origin).toBe('not-emitted');
});
