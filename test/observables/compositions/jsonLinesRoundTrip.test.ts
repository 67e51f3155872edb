// Case: JSON lines written by toKinesis() and read by fromKinesis() + deserialize(), both on the
// text path (items as strings, one buffer per record, one UTF-8 decode per record), through the
// embedded Kinesis: every item arrives once, in order per partition key, equal to what was
// written, in both JSON styles and with non-ASCII, astral and escaped characters.
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import {
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  toKinesis,
  type KinesisItem,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

interface Event {
  readonly user: string;
  readonly n: number;
  readonly text: string;
}

const TEXTS = ['plain', 'é中😀', 'line\nfeed "quoted" \\ back', '\u2028\u007f', 'x'.repeat(600)];

test.each(['python', 'compact'] as const)(
  'every item written as JSON lines (%s style) is read back once, in order per key',
  async (style) => {
    const streamName = uniqueStreamName(`json-lines-${style}`);
    await kinesis.createStream(streamName, 2);
    const events: Event[] = Array.from({ length: 3000 }, (_, n) => ({
      user: `user-${n % 7}-é`,
      n,
      text: TEXTS[n % TEXTS.length] as string,
    }));
    const client = kinesis.createClient();
    const reports = await lastValueFrom(
      from(events).pipe(
        toKinesis<Event>({
          streamName,
          client,
          processor: jsonLineProcessor<Event>({ style }),
          partitionKey: (event) => event.user,
          // Small records: many records, each of many items.
          maxRecordBytes: 16 * 1024,
        }),
        toArray(),
      ),
    );
    client.destroy();
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);

    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      processor: jsonLineProcessor<Event>({ style }),
    });
    try {
      const items = await firstValueFrom(consumer.pipe(deserialize<Event>(), take(events.length), toArray()));
      const byUser = new Map<string, Event[]>();
      for (const item of items as KinesisItem<Event>[]) {
        // A framed record carries its first item's key; items of one key share a shard.
        expect(item.partitionKey).toMatch(/^user-\d-é$/);
        const list = byUser.get(item.data.user) ?? [];
        list.push(item.data);
        byUser.set(item.data.user, list);
      }
      for (const [user, list] of byUser) {
        expect(list).toEqual(events.filter((event) => event.user === user));
      }
      expect(items.length).toBe(events.length);
      expect(Math.max(...items.map((item) => item.subRecordCount))).toBeGreaterThan(10);
    } finally {
      await consumer.stopped();
    }
  },
);
