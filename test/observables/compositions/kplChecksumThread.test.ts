// KPL records large enough for their MD5 to be computed on the producer's worker thread, written
// to the local Kinesis (with its limits) by a Producer and by toKinesis(): every stored record's
// checksum is right (the KPL reader verifies it), every item is there, and the thread was used.
import { from, lastValueFrom, toArray } from 'rxjs';
import { toKinesis } from '../../../src/operators/toKinesis.js';
import { kplJsonProcessor, kplMsgpackProcessor } from '../../../src/processors/namedProcessors.js';
import type { Processor } from '../../../src/processors/Processor.js';
import * as md5Offload from '../../../src/platform/md5Offload.js';
import { Producer } from '../../../src/producer/Producer.js';
import { readStream, type StoredRecord } from '../../producer/support/readStream.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

const kinesis = useTestKinesis({ limits: true });

interface Item {
  readonly id: number;
  readonly text: string;
}

/** ~2 KiB items: a half-budget record holds ~250 of them (~500 KiB), past the thread's threshold. */
const items = (count: number): Item[] =>
  Array.from({ length: count }, (_, id) => ({
    id,
    text: `${id}:`.padEnd(2000, String.fromCharCode(97 + (id % 26))),
  }));

/** Every item of the stored records, read with the processor (which checks each KPL checksum). */
function decode(processor: Processor<Item>, records: readonly StoredRecord[]): number[] {
  const ids: number[] = [];
  for (const record of records) {
    for (const entry of processor.aggregator.deaggregate({
      data: record.bytes,
      partitionKey: record.partitionKey,
    })) {
      ids.push(processor.serializer.deserialize(entry.data).id);
    }
  }
  return ids.sort((a, b) => a - b);
}

/** Counts the MD5 digests asked of worker threads while `run` runs. */
async function countingDigests(run: () => Promise<void>): Promise<number> {
  let digests = 0;
  const real = md5Offload.createMd5Offload;
  const spy = jest.spyOn(md5Offload, 'createMd5Offload').mockImplementation(() => {
    const offload = real()!;
    return {
      md5: (bytes) => {
        digests += 1;
        return offload.md5(bytes);
      },
      close: () => offload.close(),
    };
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return digests;
}

describe('KPL checksums computed on a worker thread', () => {
  it.each([
    ['kpl json', () => kplJsonProcessor<Item>()],
    ['kpl msgpack', () => kplMsgpackProcessor<Item>()],
  ])(
    '%s with Producer: every record readable, every item once',
    async (_, make) => {
      const streamName = uniqueStreamName('kplthread');
      await kinesis.createStream(streamName, 2);
      const client = kinesis.createClient();
      const input = items(1500);
      const digests = await countingDigests(async () => {
        const producer = new Producer<Item>({ streamName, client, processor: make() });
        for (const item of input) await producer.put(item);
        await producer.close();
      });
      const stored = await readStream(client, streamName, 1);
      client.destroy();
      expect(digests).toBeGreaterThan(0);
      expect(stored.some((record) => record.bytes.byteLength >= 64 * 1024)).toBe(true);
      expect(decode(make(), stored)).toEqual(input.map((item) => item.id));
    },
    60_000,
  );

  it('toKinesis() from a synchronous source: every record readable, every item reported and stored once', async () => {
    const streamName = uniqueStreamName('kplthread');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const input = items(1500);
    let reports: unknown[] = [];
    const digests = await countingDigests(async () => {
      reports = await lastValueFrom(
        from(input).pipe(
          toKinesis<Item>({ streamName, client, processor: kplJsonProcessor<Item>() }),
          toArray(),
        ),
      );
    });
    const stored = await readStream(client, streamName, 1);
    client.destroy();
    expect(digests).toBeGreaterThan(0);
    expect(reports.filter((report) => (report as { status: string }).status === 'delivered')).toHaveLength(
      1500,
    );
    expect(decode(kplJsonProcessor<Item>(), stored)).toEqual(input.map((item) => item.id));
  }, 60_000);
});
