// What each lease operation costs in DynamoDB, as DynamoDB itself reports it
// (ReturnConsumedCapacity): a checkpoint is one conditional write of one write unit, no read.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointer } from '../../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../../support/dynamodb.js';

let dynamo: TestDynamoDB;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterAll(async () => {
  await dynamo.close();
});

interface Request {
  readonly operation: string;
  readonly capacityUnits: number | undefined;
}

/** The real client, asking DynamoDB for the consumed capacity of every request and keeping it. */
function meteredClient(real: DynamoDBClient): { client: DynamoDBClient; requests: Request[] } {
  const requests: Request[] = [];
  const send = real.send.bind(real) as (command: unknown, options: unknown) => Promise<unknown>;
  const client = {
    send: async (
      command: { constructor: { name: string }; input: Record<string, unknown> },
      options: unknown,
    ) => {
      command.input.ReturnConsumedCapacity = 'TOTAL';
      const answer = (await send(command, options)) as { ConsumedCapacity?: { CapacityUnits?: number } };
      requests.push({
        operation: command.constructor.name,
        capacityUnits: answer.ConsumedCapacity?.CapacityUnits,
      });
      return answer;
    },
    destroy: () => undefined,
  };
  return { client: client as unknown as DynamoDBClient, requests };
}

it('a checkpoint, a renewal, SHARD_END with its children and a release are one write unit each', async () => {
  const { client, requests } = meteredClient(dynamo.createClient());
  const checkpointer = new DynamoDBCheckpointer({ client, tableName: uniqueTableName('capacity') });
  try {
    const lease = await checkpointer.acquireLease('orders', 'shardId-000000000000', 'worker-a', {
      parentShardIds: ['shardId-000000000100', 'shardId-000000000101'],
      hashKeyRange: { startingHashKey: '0', endingHashKey: '340282366920938463463374607431768211455' },
    });
    if (lease === undefined) throw new Error('expected a lease');
    const measure = async (operation: () => Promise<unknown>): Promise<Request[]> => {
      requests.length = 0;
      await operation();
      return [...requests];
    };
    const oneWrite = [{ operation: 'UpdateItemCommand', capacityUnits: 1 }];
    for (let i = 1; i <= 3; i += 1) {
      expect(
        await measure(() =>
          checkpointer.checkpoint(lease, {
            sequenceNumber: `4959033827149025660855969253836157109592157598913658${i}`,
          }),
        ),
      ).toEqual(oneWrite);
    }
    expect(
      await measure(() =>
        checkpointer.checkpoint(lease, {
          sequenceNumber: '49590338271490256608559692538361571095921575989136589',
          subSequenceNumber: 4,
        }),
      ),
    ).toEqual(oneWrite);
    const renewed = await checkpointer.renewLease(lease);
    requests.length = 0;
    expect(await measure(() => checkpointer.renewLease(renewed))).toEqual(oneWrite);
    expect(
      await measure(() =>
        checkpointer.markShardEnd(renewed, {
          childShardIds: ['shardId-000000000200', 'shardId-000000000201'],
        }),
      ),
    ).toEqual(oneWrite);
    expect(await measure(() => checkpointer.releaseLease(renewed))).toEqual(oneWrite);
  } finally {
    await checkpointer.close();
  }
});
