import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  ResourceNotFoundException,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

// CreateStream's MaxRecordSizeInKiB ranges from 1,024 to 10,240 in the Kinesis API model (out of
// range: ValidationException); DescribeStreamSummary reports it (1,024, 1 MiB, by default).
describe('local Kinesis CreateStream MaxRecordSizeInKiB', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 50 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  const refusal = (input: ConstructorParameters<typeof CreateStreamCommand>[0]): Promise<unknown> =>
    client.send(new CreateStreamCommand(input)).catch((e: unknown) => e);

  it('refuses a size out of the range with a ValidationException and creates no stream', async () => {
    const over = await refusal({ StreamName: 'over', ShardCount: 1, MaxRecordSizeInKiB: 10_241 });
    expect(over).toBeInstanceOf(ValidationException);
    expect((over as Error).message).toBe(
      "1 validation error detected: Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240",
    );
    const under = await refusal({ StreamName: 'under', ShardCount: 1, MaxRecordSizeInKiB: 1023 });
    expect((under as Error).message).toBe(
      "1 validation error detected: Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024",
    );
    const missing = await client
      .send(new DescribeStreamSummaryCommand({ StreamName: 'over' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses a negative WarmThroughputMiBps with a ValidationException', async () => {
    const warm = await refusal({ StreamName: 'warm', ShardCount: 1, WarmThroughputMiBps: -1 });
    expect(warm).toBeInstanceOf(ValidationException);
    expect((warm as Error).message).toContain("Value '-1' at 'warmThroughputMiBps'");
  });

  it('reports the size a stream was created with, and 1,024 KiB for one created without', async () => {
    await client.send(
      new CreateStreamCommand({ StreamName: 'large', ShardCount: 1, MaxRecordSizeInKiB: 2048 }),
    );
    await client.send(new CreateStreamCommand({ StreamName: 'plain', ShardCount: 1 }));
    await untilActive(client, 'large');
    await untilActive(client, 'plain');
    const large = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'large' }));
    expect(large.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(2048);
    const plain = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'plain' }));
    expect(plain.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(1024);
  });

  it('takes a fractional size as Kinesis does: truncated to a whole number of KiB', async () => {
    // Kinesis reads JSON numbers of Integer members truncated (2048.5 is 2048, 10240.9 is 10240).
    await client.send(
      new CreateStreamCommand({ StreamName: 'fraction', ShardCount: 1, MaxRecordSizeInKiB: 2048.5 }),
    );
    await client.send(
      new CreateStreamCommand({ StreamName: 'top', ShardCount: 1, MaxRecordSizeInKiB: 10_240.9 }),
    );
    await untilActive(client, 'fraction');
    await untilActive(client, 'top');
    const fraction = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'fraction' }));
    expect(fraction.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(2048);
    const top = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'top' }));
    expect(top.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(10_240);
    const under = await refusal({ StreamName: 'under', ShardCount: 1, MaxRecordSizeInKiB: 1023.9 });
    expect((under as Error).message).toContain("Value '1023' at 'maxRecordSizeInKiB'");
  });

  it('still refuses records over 1 MiB on a stream created for larger ones (not emulated)', async () => {
    const error = await client
      .send(
        new PutRecordCommand({
          StreamName: 'large',
          PartitionKey: 'k',
          Data: new Uint8Array(1024 * 1024 + 1),
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
  });

  it('forgets the size when the stream is deleted and created again', async () => {
    await client.send(new DeleteStreamCommand({ StreamName: 'large' }));
    await waitGone(client, 'large');
    await client.send(new CreateStreamCommand({ StreamName: 'large', ShardCount: 1 }));
    await untilActive(client, 'large');
    const again = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'large' }));
    expect(again.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(1024);
  });
});

async function waitGone(client: KinesisClient, streamName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const error = await client
      .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
      .then(() => undefined)
      .catch((e: unknown) => e);
    if (error instanceof ResourceNotFoundException) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${streamName} was not deleted in 20 s`);
}
