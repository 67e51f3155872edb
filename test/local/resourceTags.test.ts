import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  InvalidArgumentException,
  ListStreamConsumersCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { postCbor } from './cborClient.js';
import { untilActive } from './untilActive.js';

const ACCOUNT = '000000000000';
const streamArn = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

function manyTags(count: number, prefix = 'k'): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${prefix}${String(i).padStart(2, '0')}`, 'v']),
  );
}

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  )) as Error;
  return { name: error.name, message: error.message };
}

/**
 * Tags as the Kinesis API reference gives them: TagResource, UntagResource and
 * ListTagsForResource address a stream or a stream consumer by ARN; AddTagsToStream,
 * RemoveTagsFromStream and ListTagsForStream a stream by name or ARN. At most 50 tags on a
 * resource (a request's Tags map: up to 200 entries); keys of 1 to 128 characters, values up to
 * 256; Unicode letters, digits, white space and _ . : / = + - % @; `aws:` keys are reserved.
 */
describe('local Kinesis tags of streams and consumers', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // No `limits`: these calls come faster than the 5 a second AWS allows some of them.
    local = await startLocalKinesis({
      streamStatusDelayMs: 20,
      efo: { consumerStatusDelayMs: 20 },
      streams: { orders: 1, full: 1, checked: 1 },
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('tags a stream by ARN (TagResource) and by name (AddTagsToStream), one set of tags', async () => {
    await client.send(
      new TagResourceCommand({
        ResourceARN: streamArn('orders'),
        Tags: { team: 'orders', 'env:stage': 'dev' },
      }),
    );
    await client.send(
      new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { owner: 'me@example.com' } }),
    );
    const expected = [
      { Key: 'env:stage', Value: 'dev' },
      { Key: 'owner', Value: 'me@example.com' },
      { Key: 'team', Value: 'orders' },
    ];
    expect(
      (await client.send(new ListTagsForResourceCommand({ ResourceARN: streamArn('orders') }))).Tags,
    ).toEqual(expected);
    expect(await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }))).toMatchObject({
      Tags: expected,
      HasMoreTags: false,
    });
    await client.send(
      new UntagResourceCommand({ ResourceARN: streamArn('orders'), TagKeys: ['team', 'absent'] }),
    );
    await client.send(
      new RemoveTagsFromStreamCommand({ StreamARN: streamArn('orders'), TagKeys: ['owner'] }),
    );
    expect((await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }))).Tags).toEqual([
      { Key: 'env:stage', Value: 'dev' },
    ]);
  });

  it('takes up to 50 tags on a stream, in one request, and pages ListTagsForStream by Limit', async () => {
    await client.send(new AddTagsToStreamCommand({ StreamName: 'full', Tags: manyTags(50) }));
    const page = await client.send(new ListTagsForStreamCommand({ StreamName: 'full', Limit: 10 }));
    expect(page.Tags).toHaveLength(10);
    expect(page.HasMoreTags).toBe(true);
    const next = await client.send(
      new ListTagsForStreamCommand({
        StreamName: 'full',
        ExclusiveStartTagKey: page.Tags![9]!.Key,
        Limit: 50,
      }),
    );
    expect(next.Tags).toHaveLength(40);
    expect(next.HasMoreTags).toBe(false);
    // Overwriting a tag adds none; a 51st is refused and nothing of the request is kept.
    await client.send(new TagResourceCommand({ ResourceARN: streamArn('full'), Tags: { k00: 'again' } }));
    expect(
      await refusal(
        client.send(new AddTagsToStreamCommand({ StreamName: 'full', Tags: { k00: 'x', k99: 'v' } })),
      ),
    ).toEqual({
      name: 'InvalidArgumentException',
      message: `Failed to add tags to stream full under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
    });
    const tags = (await client.send(new ListTagsForResourceCommand({ ResourceARN: streamArn('full') })))
      .Tags!;
    expect(tags).toHaveLength(50);
    expect(tags.find((tag) => tag.Key === 'k00')?.Value).toBe('again');
  });

  it('refuses what AWS refuses: lengths, characters, aws: keys, counts, malformed ARNs', async () => {
    const tag = (tags: Record<string, string>) =>
      refusal(client.send(new TagResourceCommand({ ResourceARN: streamArn('checked'), Tags: tags })));
    expect(await tag({ ['k'.repeat(129)]: 'v' })).toEqual({
      name: 'ValidationException',
      message: expect.stringContaining(
        "at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
      ) as string,
    });
    expect(await tag({ k: 'v'.repeat(257) })).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Map value must satisfy constraint') as string,
    });
    expect(await tag({ 'k#': 'v' })).toMatchObject({ name: 'InvalidArgumentException' });
    expect(await tag({ 'aws:owner': 'v' })).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining("'aws:'") as string,
    });
    expect(await tag({ 'AWS:owner': 'v' })).toMatchObject({ name: 'InvalidArgumentException' });
    expect(await tag({})).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length greater than or equal to 1') as string,
    });
    expect(await tag(manyTags(201))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 200') as string,
    });
    expect(
      await refusal(
        client.send(
          new UntagResourceCommand({ ResourceARN: streamArn('checked'), TagKeys: Object.keys(manyTags(51)) }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 50') as string,
    });
    expect(
      await refusal(
        client.send(new TagResourceCommand({ ResourceARN: 'arn:aws:s3:::bucket', Tags: { k: 'v' } })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'arn:aws:s3:::bucket' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+",
    });
    const missing = await client
      .send(new ListTagsForResourceCommand({ ResourceARN: streamArn('nope') }))
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as Error).message).toBe(`Stream nope under account ${ACCOUNT} not found.`);
    // The request is checked before the resource is looked up.
    expect(
      await refusal(
        client.send(
          new TagResourceCommand({ ResourceARN: streamArn('nope'), Tags: { ['k'.repeat(129)]: 'v' } }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    // Nothing refused was kept.
    expect((await client.send(new ListTagsForStreamCommand({ StreamName: 'checked' }))).Tags).toEqual([]);
  });

  it('tags a stream consumer by its ARN; its tags go when it does', async () => {
    const registered = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn('orders'), ConsumerName: 'billing' }),
    );
    const consumerArn = registered.Consumer!.ConsumerARN!;
    await client.send(new TagResourceCommand({ ResourceARN: consumerArn, Tags: { app: 'billing' } }));
    expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: consumerArn }))).Tags).toEqual([
      { Key: 'app', Value: 'billing' },
    ]);
    // The stream's tags are its own.
    expect((await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }))).Tags).toEqual([
      { Key: 'env:stage', Value: 'dev' },
    ]);
    await client.send(new UntagResourceCommand({ ResourceARN: consumerArn, TagKeys: ['app'] }));
    expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: consumerArn }))).Tags).toEqual(
      [],
    );
    await client.send(new TagResourceCommand({ ResourceARN: consumerArn, Tags: { app: 'billing' } }));
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    const deadline = Date.now() + 20_000;
    let gone: unknown;
    while (gone === undefined && Date.now() < deadline) {
      gone = await client
        .send(new ListTagsForResourceCommand({ ResourceARN: consumerArn }))
        .then(() => undefined)
        .catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect((gone as Error).message).toBe(`Consumer ${consumerArn} under account ${ACCOUNT} not found.`);
  });

  it('gives a consumer the Tags of its RegisterStreamConsumer, and refuses bad ones, registering nothing', async () => {
    const registered = await client.send(
      new RegisterStreamConsumerCommand({
        StreamARN: streamArn('orders'),
        ConsumerName: 'audit',
        Tags: { team: 'risk' },
      }),
    );
    const consumerArn = registered.Consumer!.ConsumerARN!;
    expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: consumerArn }))).Tags).toEqual([
      { Key: 'team', Value: 'risk' },
    ]);
    const register = (consumerName: string, tags: Record<string, string>) =>
      refusal(
        client.send(
          new RegisterStreamConsumerCommand({
            StreamARN: streamArn('orders'),
            ConsumerName: consumerName,
            Tags: tags,
          }),
        ),
      );
    expect(await register('reserved', { 'aws:x': 'v' })).toMatchObject({ name: 'InvalidArgumentException' });
    expect(await register('crowded', manyTags(51))).toEqual({
      name: 'InvalidArgumentException',
      message: `Failed to add tags to consumer crowded under account ${ACCOUNT} because a given consumer cannot have more than 50 tags associated with it.`,
    });
    expect(await register('long', { ['k'.repeat(129)]: 'v' })).toMatchObject({ name: 'ValidationException' });
    const names = (
      await client.send(new ListStreamConsumersCommand({ StreamARN: streamArn('orders') }))
    ).Consumers!.map((consumer) => consumer.ConsumerName);
    expect(names).toContain('audit');
    expect(names).not.toContain('reserved');
    expect(names).not.toContain('crowded');
    expect(names).not.toContain('long');
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
  });

  it('forgets the tags of a deleted stream; a stream created anew starts with its CreateStream Tags only', async () => {
    await client.send(
      new CreateStreamCommand({ StreamName: 'renewed', ShardCount: 1, Tags: { first: '1' } }),
    );
    await untilActive(client, 'renewed');
    await client.send(new AddTagsToStreamCommand({ StreamName: 'renewed', Tags: { added: 'yes' } }));
    await client.send(new DeleteStreamCommand({ StreamName: 'renewed' }));
    for (;;) {
      const gone = await client
        .send(new DescribeStreamSummaryCommand({ StreamName: 'renewed' }))
        .then(() => false)
        .catch((error: unknown) => error instanceof ResourceNotFoundException);
      if (gone) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.send(
      new CreateStreamCommand({ StreamName: 'renewed', ShardCount: 1, Tags: { second: '2' } }),
    );
    await untilActive(client, 'renewed');
    expect((await client.send(new ListTagsForStreamCommand({ StreamName: 'renewed' }))).Tags).toEqual([
      { Key: 'second', Value: '2' },
    ]);
  });

  it("keeps tags added while the stream is CREATING beside CreateStream's", async () => {
    const slow = await startLocalKinesis({ streamStatusDelayMs: 1000 });
    const slowClient = slow.createClient();
    try {
      await slowClient.send(
        new CreateStreamCommand({ StreamName: 'young', ShardCount: 1, Tags: { given: 'at-create' } }),
      );
      await slowClient.send(
        new AddTagsToStreamCommand({ StreamName: 'young', Tags: { added: 'while-creating' } }),
      );
      await untilActive(slowClient, 'young');
      expect((await slowClient.send(new ListTagsForStreamCommand({ StreamName: 'young' }))).Tags).toEqual([
        { Key: 'added', Value: 'while-creating' },
        { Key: 'given', Value: 'at-create' },
      ]);
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  });

  it('refuses CreateStream Tags that break the tag rules, creating nothing', async () => {
    const error = await client
      .send(new CreateStreamCommand({ StreamName: 'reserved', ShardCount: 1, Tags: { 'aws:x': 'v' } }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    const missing = await client
      .send(new DescribeStreamSummaryCommand({ StreamName: 'reserved' }))
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses CreateStream Tags that would give the stream more than 50 tags, creating nothing', async () => {
    expect(
      await refusal(
        client.send(new CreateStreamCommand({ StreamName: 'crowded', ShardCount: 1, Tags: manyTags(51) })),
      ),
    ).toEqual({
      name: 'InvalidArgumentException',
      message: `Failed to add tags to stream crowded under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
    });
    const missing = await client
      .send(new DescribeStreamSummaryCommand({ StreamName: 'crowded' }))
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('shows CreateStream Tags while the stream is CREATING, and keeps later changes to them', async () => {
    const slow = await startLocalKinesis({ streamStatusDelayMs: 1000 });
    const slowClient = slow.createClient();
    try {
      await slowClient.send(
        new CreateStreamCommand({
          StreamName: 'early',
          ShardCount: 1,
          Tags: { ...manyTags(48), kept: 'at-create', dropped: 'at-create' },
        }),
      );
      const listed = await slowClient.send(new ListTagsForStreamCommand({ StreamName: 'early', Limit: 50 }));
      expect(listed.Tags).toHaveLength(50);
      expect(
        (await slowClient.send(new ListTagsForResourceCommand({ ResourceARN: streamArn('early') }))).Tags,
      ).toHaveLength(50);
      // The stream has 50 tags already: one more is refused, as it is once the stream is ACTIVE.
      expect(
        await refusal(
          slowClient.send(new AddTagsToStreamCommand({ StreamName: 'early', Tags: { extra: 'v' } })),
        ),
      ).toMatchObject({ name: 'InvalidArgumentException' });
      await slowClient.send(new AddTagsToStreamCommand({ StreamName: 'early', Tags: { kept: 'changed' } }));
      await slowClient.send(new RemoveTagsFromStreamCommand({ StreamName: 'early', TagKeys: ['dropped'] }));
      await untilActive(slowClient, 'early');
      const tags = (
        await slowClient.send(new ListTagsForResourceCommand({ ResourceARN: streamArn('early') }))
      ).Tags!;
      expect(tags).toHaveLength(49);
      expect(tags.find((tag) => tag.Key === 'kept')?.Value).toBe('changed');
      expect(tags.find((tag) => tag.Key === 'dropped')).toBeUndefined();
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  });

  it('answers the tag operations in CBOR too', async () => {
    const answer = await postCbor(local.endpoint, 'ListTagsForResource', {
      ResourceARN: streamArn('orders'),
    });
    expect(answer).toMatchObject({
      status: 200,
      contentType: 'application/x-amz-cbor-1.1',
      body: { Tags: [{ Key: 'env:stage', Value: 'dev' }] },
    });
    const refused = await postCbor(local.endpoint, 'TagResource', { ResourceARN: 'bad', Tags: { k: 'v' } });
    expect(refused).toMatchObject({ status: 400, errorType: 'ValidationException' });
    expect(refused.body.__type).toBe('ValidationException');
  });
});
