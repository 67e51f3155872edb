// The demo deletes the stream it created when it ends; a deletion that fails is said on stderr
// (with the stream's name and how to delete it), never passed over in silence.
import { CreateStreamCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { deleteDemoStream } from '../../../src/cli/commands/demoStreamCleanup.js';
import { parseStreamAddress } from '../../../src/kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../../src/local/startLocalKinesis.js';

let local: LocalKinesis;

beforeAll(async () => {
  // Streams stay CREATING for 10 s: a DeleteStream of one is refused, as Kinesis refuses it.
  local = await startLocalKinesis({ streamStatusDelayMs: 10_000, streams: { ready: 1 } });
});

afterAll(async () => {
  await local.close();
});

function collector(): { write(text: string): boolean; text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
      return true;
    },
  };
}

it('deletes the stream and says nothing', async () => {
  const client = local.createClient();
  try {
    const errors = collector();
    await deleteDemoStream(client, parseStreamAddress('ready'), errors);
    expect(errors.text).toBe('');
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'ready' })).then(
      (answer) => answer.StreamDescriptionSummary?.StreamStatus,
      (error: Error) => error.name,
    );
    expect(['DELETING', 'ResourceNotFoundException']).toContain(summary);
  } finally {
    client.destroy();
  }
});

it('says nothing for a stream already gone', async () => {
  const client = local.createClient();
  try {
    const errors = collector();
    await deleteDemoStream(client, parseStreamAddress('never-made'), errors);
    expect(errors.text).toBe('');
  } finally {
    client.destroy();
  }
});

it('names the stream, why, and how to delete it when the deletion is refused', async () => {
  const client = local.createClient();
  try {
    await client.send(new CreateStreamCommand({ StreamName: 'still-creating', ShardCount: 1 }));
    const errors = collector();
    await deleteDemoStream(client, parseStreamAddress('still-creating'), errors);
    expect(errors.text).toMatch(
      /^could not delete the demo's stream still-creating \(ResourceInUseException: .+\); delete it yourself, e\.g\. aws kinesis delete-stream --stream-name still-creating\n$/,
    );
  } finally {
    client.destroy();
  }
});
