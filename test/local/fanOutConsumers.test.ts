import {
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  LimitExceededException,
  ListStreamConsumersCommand,
  RegisterStreamConsumerCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { http2Client, streamArnOf } from './fanOutClient.js';

const DELAY_MS = 400;

describe('local Kinesis stream consumers (enhanced fan-out registration)', () => {
  let local: LocalKinesis;
  let client: KinesisClient;
  let http1: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      streams: { consumed: 1, crowded: 1, other: 1, paged: 1 },
      efo: { consumerStatusDelayMs: DELAY_MS },
    });
    client = http2Client(local);
    http1 = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    http1.destroy();
    await local.close();
  });

  async function statusOf(consumerArn: string): Promise<string | undefined> {
    const described = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }));
    return described.ConsumerDescription?.ConsumerStatus;
  }

  async function until(status: string, consumerArn: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await statusOf(consumerArn)) !== status) {
      if (Date.now() > deadline) throw new Error(`consumer never ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('registers a consumer CREATING, ACTIVE after the delay, with an ARN in the AWS format', async () => {
    const streamArn = await streamArnOf(client, 'consumed');
    const before = Math.floor(Date.now() / 1000);
    const registered = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app-1' }),
    );
    const after = Math.floor(Date.now() / 1000);
    const consumer = registered.Consumer!;
    expect(consumer.ConsumerName).toBe('app-1');
    expect(consumer.ConsumerStatus).toBe('CREATING');
    const match = /^(.*)\/consumer\/app-1:(\d+)$/.exec(consumer.ConsumerARN!);
    expect(match?.[1]).toBe(streamArn);
    const seconds = Number(match?.[2]);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(after);
    expect(consumer.ConsumerCreationTimestamp).toBeInstanceOf(Date);
    expect(Math.floor(consumer.ConsumerCreationTimestamp!.getTime() / 1000)).toBe(seconds);

    await until('ACTIVE', consumer.ConsumerARN!);
    // Not before the delay has passed since registration.
    expect(Date.now() - consumer.ConsumerCreationTimestamp!.getTime()).toBeGreaterThanOrEqual(DELAY_MS - 5);

    // Addressed by StreamARN and name, over HTTP/1.1 too.
    const byName = await http1.send(
      new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app-1' }),
    );
    expect(byName.ConsumerDescription).toEqual({
      ConsumerName: 'app-1',
      ConsumerARN: consumer.ConsumerARN,
      ConsumerStatus: 'ACTIVE',
      ConsumerCreationTimestamp: consumer.ConsumerCreationTimestamp,
      StreamARN: streamArn,
    });
  });

  it('refuses a second consumer of the same name with ResourceInUseException', async () => {
    const streamArn = await streamArnOf(client, 'consumed');
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'twice' }));
    const error = await client
      .send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'twice' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceInUseException);
    // Another stream may have a consumer of that name.
    const elsewhere = await client.send(
      new RegisterStreamConsumerCommand({
        StreamARN: await streamArnOf(client, 'other'),
        ConsumerName: 'twice',
      }),
    );
    expect(elsewhere.Consumer?.ConsumerARN).toContain(':stream/other/consumer/twice:');
  });

  it('answers ResourceNotFoundException for unknown streams and consumers', async () => {
    const streamArn = await streamArnOf(client, 'consumed');
    const missingStream = streamArn.replace(/stream\/consumed$/, 'stream/missing');
    await expect(
      client.send(new RegisterStreamConsumerCommand({ StreamARN: missingStream, ConsumerName: 'x' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'nobody' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(
        new DescribeStreamConsumerCommand({ ConsumerARN: `${streamArn}/consumer/nobody:1700000000` }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new ListStreamConsumersCommand({ StreamARN: missingStream })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses malformed requests as Kinesis does', async () => {
    const streamArn = await streamArnOf(client, 'consumed');
    const badName = await client
      .send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'bad name!' }))
      .catch((caught: unknown) => caught);
    expect((badName as Error).name).toBe('ValidationException');
    const neither = await client
      .send(new DescribeStreamConsumerCommand({}))
      .catch((caught: unknown) => caught);
    expect((neither as Error).name).toBe('InvalidArgumentException');
  });

  it('lists consumers page by page, and deletes deregistered ones after the delay', async () => {
    const streamArn = await streamArnOf(client, 'consumed');
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListStreamConsumersCommand({
          StreamARN: streamArn,
          MaxResults: 1,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      expect(page.Consumers!.length).toBeLessThanOrEqual(1);
      listed.push(...page.Consumers!.map((consumer) => consumer.ConsumerName!));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    expect(listed).toEqual(['app-1', 'twice']);

    const arn = (
      await client.send(new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'twice' }))
    ).ConsumerDescription!.ConsumerARN!;
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arn }));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const gone = await statusOf(arn).catch((caught: unknown) => caught);
      if (gone instanceof ResourceNotFoundException) break;
      expect(gone).toBe('DELETING');
      if (Date.now() > deadline) throw new Error('consumer never deleted');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
    expect(left.Consumers!.map((consumer) => consumer.ConsumerName)).toEqual(['app-1']);
    // The name is free again.
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'twice' }));
  });

  it('goes on after the last consumer a page listed, whichever consumers went meanwhile', async () => {
    const streamArn = await streamArnOf(client, 'paged');
    const arns: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      const registered = await client.send(
        new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
      );
      arns.push(registered.Consumer!.ConsumerARN!);
    }
    const page = (nextToken?: string) =>
      client.send(
        new ListStreamConsumersCommand({
          StreamARN: streamArn,
          MaxResults: 1,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
    const first = await page();
    expect(first.Consumers!.map((consumer) => consumer.ConsumerName)).toEqual(['first']);
    // The consumer listed goes before the next page is asked for.
    await until('ACTIVE', arns[0]!);
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arns[0] }));
    const deadline = Date.now() + 20_000;
    while (
      !((await statusOf(arns[0]!).catch((caught: unknown) => caught)) instanceof ResourceNotFoundException)
    ) {
      if (Date.now() > deadline) throw new Error('consumer never deleted');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const listed: string[] = [];
    let nextToken = first.NextToken;
    while (nextToken !== undefined) {
      const next = await page(nextToken);
      listed.push(...next.Consumers!.map((consumer) => consumer.ConsumerName!));
      nextToken = next.NextToken;
    }
    expect(listed).toEqual(['second', 'third']);
  });

  it('allows 20 consumers per stream and refuses the 21st with LimitExceededException', async () => {
    const streamArn = await streamArnOf(client, 'crowded');
    for (let i = 0; i < 20; i += 1) {
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: `c${i}` }));
    }
    const error = await client
      .send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'c20' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LimitExceededException);
    const listed = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
    expect(listed.Consumers).toHaveLength(20);
  });

  it('forgets the consumers of a deleted stream', async () => {
    await local.createStream('recreated', 1);
    const streamArn = await streamArnOf(client, 'recreated');
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'old' }));
    await local.deleteStream('recreated');
    await local.createStream('recreated', 1);
    const listed = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
    expect(listed.Consumers).toEqual([]);
  });
});

describe('local Kinesis stream consumers while DELETING', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // A delay no test outlasts, so that the DELETING state is seen whatever the machine's load.
    local = await startLocalKinesis({ streams: { slow: 1 }, efo: { consumerStatusDelayMs: 60_000 } });
    client = http2Client(local);
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('shows a deregistered consumer DELETING, and keeps its name taken meanwhile', async () => {
    const streamArn = await streamArnOf(client, 'slow');
    const registered = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'going' }),
    );
    expect(registered.Consumer?.ConsumerStatus).toBe('CREATING');
    // Deregistered by StreamARN and name (a CREATING consumer may be deregistered).
    await client.send(new DeregisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'going' }));
    const described = await client.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: registered.Consumer!.ConsumerARN! }),
    );
    expect(described.ConsumerDescription?.ConsumerStatus).toBe('DELETING');
    const listed = await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
    expect(listed.Consumers!.map((consumer) => [consumer.ConsumerName, consumer.ConsumerStatus])).toEqual([
      ['going', 'DELETING'],
    ]);
    await expect(
      client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'going' })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
  });
});
