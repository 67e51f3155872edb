// An application that loads rxjs-kinesis both through `import` (the ES module build) and through
// `require()` (the CommonJS build) where they load different builds (Node before 22.12, a bundler
// or test runner that maps require() to the CommonJS build), or two installed versions of it,
// runs two copies of it, each with its own classes and symbols. checkpoint() of one copy cannot commit the records of
// the other's fromKinesis(); its error must say so, not that the record was made by hand.
import { lastValueFrom, of, take } from 'rxjs';
import * as library from '../../src/index.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

const kinesis = useTestKinesis();

/** A second copy of the library, as the other build of the package is in a real process. */
function otherCopy(): typeof library {
  let loaded: typeof library | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof library>('../../src/index.js');
  });
  if (loaded === undefined) throw new Error('the second copy did not load');
  return loaded;
}

it("checkpoint() of another copy refuses fromKinesis()'s records, naming the two copies", async () => {
  const other = otherCopy();
  expect(other.checkpoint).not.toBe(library.checkpoint);
  await kinesis.createStream('two-copies', 1);
  const client = { endpoint: kinesis.endpoint, region: kinesis.region, credentials: kinesis.credentials };
  await lastValueFrom(of({ id: 1 }).pipe(library.toKinesis({ streamName: 'two-copies', ...client })));
  const consumer = library.fromKinesis({
    streamName: 'two-copies',
    iteratorType: 'TRIM_HORIZON',
    checkpointer: new library.MemoryCheckpointer(),
    ...client,
  });
  const error: unknown = await lastValueFrom(
    consumer.pipe(library.deserialize(), other.checkpoint(), take(1)),
  ).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  await consumer.stopped();
  expect(error).toBeInstanceOf(other.UntrackedRecordError);
  const untracked = error as library.UntrackedRecordError;
  expect(untracked.origin).toBe('another-copy');
  expect(untracked.message).toContain('a record of another copy of rxjs-kinesis (stream "two-copies")');
  expect(untracked.message).toContain('through import (its ES module build) and through require()');
  expect(untracked.message).not.toContain('made by hand');
}, 120_000);
