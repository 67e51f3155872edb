import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export interface TestRecordInput {
  readonly partitionKey: string;
  readonly data: string;
}

/** Writes records in PutRecords batches of 500; throws if any entry failed. Returns their sequence numbers. */
export async function putTestRecords(
  client: KinesisClient,
  streamName: string,
  records: readonly TestRecordInput[],
): Promise<string[]> {
  const sequenceNumbers: string[] = [];
  for (let i = 0; i < records.length; i += 500) {
    const batch = records.slice(i, i + 500);
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: batch.map((r) => ({ PartitionKey: r.partitionKey, Data: Buffer.from(r.data) })),
      }),
    );
    if ((output.FailedRecordCount ?? 0) > 0)
      throw new Error(`PutRecords failed for ${output.FailedRecordCount} records`);
    for (const entry of output.Records ?? []) sequenceNumbers.push(entry.SequenceNumber ?? '');
  }
  return sequenceNumbers;
}

/** `count` records "key-<i % keys>" / "<i>" in order. */
export function numberedRecords(count: number, keys = 64, offset = 0): TestRecordInput[] {
  return Array.from({ length: count }, (_, i) => ({
    partitionKey: `key-${(offset + i) % keys}`,
    data: String(offset + i),
  }));
}
