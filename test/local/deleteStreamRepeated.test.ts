// A DeleteStream repeated while the stream is DELETING (a retry after a lost answer) is answered
// as done and changes nothing. The backing store took it as a second deletion, with a second
// timer of its own: a stream of the same name created after the first deletion ended was gone
// (ResourceNotFoundException) from the second one's end until its own creation timer put it back.
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

jest.setTimeout(60_000);

/**
 * How long each status change takes: long enough that the retry below, sent some 300 ms after
 * the first DeleteStream, comes before the first deletion ends even on a loaded machine.
 */
const DELAY_MS = 3_000;

let local: LocalKinesis;
let client: KinesisClient;
beforeAll(async () => {
  local = await startLocalKinesis({ streamStatusDelayMs: DELAY_MS });
  client = local.createClient();
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

const status = (streamName: string): Promise<string> =>
  client
    .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
    .then((answer) => answer.StreamDescriptionSummary?.StreamStatus ?? '?')
    .catch((error: { name?: string }) => (error.name === 'ResourceNotFoundException' ? 'gone' : 'error'));

async function until(streamName: string, wanted: string, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while ((await status(streamName)) !== wanted) {
    if (Date.now() > deadline) throw new Error(`${streamName} not ${wanted} within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('answers a repeated DeleteStream as done, and a stream created again afterwards stays', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'again', ShardCount: 1 }));
  await until('again', 'ACTIVE', 30_000);
  await client.send(new DeleteStreamCommand({ StreamName: 'again' }));
  // The retry: a deletion of its own (had the store taken it) would end some 300 ms after the first.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await expect(client.send(new DeleteStreamCommand({ StreamName: 'again' }))).resolves.toBeDefined();
  expect(await status('again')).toBe('DELETING');
  await until('again', 'gone', 30_000);
  await client.send(new CreateStreamCommand({ StreamName: 'again', ShardCount: 1 }));
  // Watched until ACTIVE, past the end of a second deletion had there been one: it never goes.
  const seen = new Set<string>();
  const deadline = Date.now() + 30_000;
  for (let now = await status('again'); now !== 'ACTIVE'; now = await status('again')) {
    seen.add(now);
    if (Date.now() > deadline) throw new Error(`not ACTIVE within 30 s: ${[...seen].join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect([...seen]).toEqual(['CREATING']);
});
