// Aggregating processors packing items up to the record limit with long multi-byte partition keys
// (KPL: one key-table entry per distinct key), against a local Kinesis that enforces the 1 MiB
// record limit: no record is refused for its size, and every item is delivered once.
import { from, lastValueFrom, toArray } from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import {
  jsonLineProcessor,
  jsonListProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  msgpackProcessor,
} from '../../../../src/processors/namedProcessors.js';
import type { Processor } from '../../../../src/processors/Processor.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis({ limits: true });

const MIB = 1024 * 1024;

interface Item {
  readonly id: number;
  readonly text: string;
}

/** A partition key of 256 UTF-16 units, 128 four-byte characters (512 UTF-8 bytes), distinct per id. */
function longKey(id: number): string {
  const prefix = `${id}-`;
  return prefix + '😀'.repeat((256 - prefix.length) >> 1) + (prefix.length % 2 === 1 ? 'x' : '');
}

/** Sizes that do not divide 1 MiB evenly, a few of them large (é: 2 UTF-8 bytes, 6 in Python-style JSON). */
function items(count: number): Item[] {
  return Array.from({ length: count }, (_, id) => ({
    id,
    text: 'é'.repeat(id % 97 === 0 ? 60_000 + id : 200 + ((id * 7919) % 1_000)),
  }));
}

const processors: Record<string, () => Processor<Item>> = {
  'kpl json': () => kplJsonProcessor<Item>(),
  'kpl msgpack': () => kplMsgpackProcessor<Item>(),
  'json lines': () => jsonLineProcessor<Item>(),
  'json list': () => jsonListProcessor<Item>(),
  msgpack: () => msgpackProcessor<Item>(),
};

describe('records packed to the limit with long multi-byte keys', () => {
  for (const [name, make] of Object.entries(processors)) {
    it(`${name}: every record fits in 1 MiB (data + key), every item delivered once`, async () => {
      const streamName = uniqueStreamName('sizes');
      await kinesis.createStream(streamName, 4);
      const client = kinesis.createClient();
      const input = items(400);
      const reports = await lastValueFrom(
        from(input).pipe(
          toKinesis<Item>({
            streamName,
            client,
            processor: make(),
            partitionKey: (item) => longKey(item.id),
            bufferTime: 20,
            onFailure: 'emit',
          }),
          toArray(),
        ),
      );
      const failed = reports.filter((report) => report.status !== 'delivered');
      expect(
        failed.map((report) => [report.index, report.status === 'failed' ? report.error.message : '']),
      ).toEqual([]);
      expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual(
        input.map((item) => item.id),
      );
      const stored = await readStream(client, streamName, 1);
      client.destroy();
      for (const record of stored) {
        expect(record.bytes.byteLength + Buffer.byteLength(record.partitionKey, 'utf8')).toBeLessThanOrEqual(
          MIB,
        );
      }
      // Packed: far fewer records than items.
      expect(stored.length).toBeLessThan(input.length / 2);
    });
  }
});
