// The demo deletes the stream it created when it ends, waiting for a stream still CREATING to be
// deletable; a deletion that fails for good is said on stderr (with the stream's name and how to
// delete it), never passed over in silence.
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { deleteDemoStream } from '../../../src/cli/commands/demoStreamCleanup.js';
import { parseStreamAddress } from '../../../src/kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../../src/local/startLocalKinesis.js';

let local: LocalKinesis;

beforeAll(async () => {
  // Streams stay CREATING for 3 s: a DeleteStream of one is refused meanwhile, as Kinesis refuses it.
  local = await startLocalKinesis({ streamStatusDelayMs: 3_000, streams: { ready: 1 } });
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
    expect(['DELETING', 'ResourceNotFoundException']).toContain(await statusOf(client, 'ready'));
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

async function statusOf(client: KinesisClient, streamName: string): Promise<string | undefined> {
  return client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).then(
    (answer) => answer.StreamDescriptionSummary?.StreamStatus,
    (error: Error) => error.name,
  );
}

it('waits for a stream still CREATING to be deletable, then deletes it and says nothing', async () => {
  const client = local.createClient();
  try {
    await client.send(new CreateStreamCommand({ StreamName: 'then-deleted', ShardCount: 1 }));
    const errors = collector();
    await deleteDemoStream(client, parseStreamAddress('then-deleted'), errors, {
      deadlineMs: 60_000,
      pauseMs: 200,
    });
    expect(errors.text).toBe('');
    expect(['DELETING', 'ResourceNotFoundException']).toContain(await statusOf(client, 'then-deleted'));
  } finally {
    client.destroy();
  }
});

it('names the stream, why, and how to delete it when the deletion is still refused at its deadline', async () => {
  const client = local.createClient();
  try {
    await client.send(new CreateStreamCommand({ StreamName: 'still-creating', ShardCount: 1 }));
    const errors = collector();
    await deleteDemoStream(client, parseStreamAddress('still-creating'), errors, {
      deadlineMs: 300,
      pauseMs: 100,
    });
    expect(errors.text).toMatch(
      /^could not delete the demo's stream still-creating \(ResourceInUseException: .+\); delete it yourself, e\.g\. aws kinesis delete-stream --stream-name still-creating\n$/,
    );
    expect(await statusOf(client, 'still-creating')).toBe('CREATING');
  } finally {
    client.destroy();
  }
});
