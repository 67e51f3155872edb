// Reads records written by other languages' producers: a Python service on async-kinesis
// (MsgpackProcessor: msgpack items in netstrings) and a Java service on the KPL (an aggregated
// record of JSON items, each with its own partition key). The bytes below are what those
// producers put on the wire; here they are written with plain PutRecords, as those services do.
// Run against the embedded local Kinesis: npx tsx examples/cross-language.ts
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { lastValueFrom, take, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  kplJsonProcessor,
  msgpackProcessor,
  type KinesisItem,
  type Processor,
} from 'rxjs-kinesis';
import { startLocalKinesis } from 'rxjs-kinesis/local';

/** async-kinesis MsgpackProcessor: `4:<msgpack {"a": 1}>,4:<msgpack {"b": 2}>,` */
const FROM_PYTHON_MSGPACK = Buffer.from('343a81a161012c343a81a162022c', 'hex');

/** KPL aggregated record (magic, protobuf with a partition-key table, MD5): three JSON orders. */
const FROM_JAVA_KPL = Buffer.from(
  'f3899ac20a06757365722d610a06757365722d621a2508001a217b226f72646572223a20312c20226974656d223a2022636166' +
    '5c7530306539227d1a1f08011a1b7b226f72646572223a20322c20226974656d223a2022746561227d1a2008001a1c7b22' +
    '6f72646572223a20332c20226974656d223a202263616b65227df2849742c2de6c22363a398a41cc4c3e',
  'hex',
);

async function readAll<T>(
  connection: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  },
  streamName: string,
  processor: Processor<T>,
  count: number,
): Promise<KinesisItem<T>[]> {
  const consumer = fromKinesis({ streamName, ...connection, processor, sleepTimeNoRecords: 200 });
  const items = await lastValueFrom(consumer.pipe(deserialize<T>(), checkpoint(), take(count), toArray()));
  await consumer.stopped();
  return items;
}

async function main(): Promise<void> {
  const local = await startLocalKinesis({ streams: { 'from-python': 1, 'from-java': 1 } });
  const client = local.createClient();
  const connection = {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
  };
  try {
    await client.send(
      new PutRecordsCommand({
        StreamName: 'from-python',
        Records: [{ PartitionKey: 'python-service', Data: FROM_PYTHON_MSGPACK }],
      }),
    );
    await client.send(
      new PutRecordsCommand({
        StreamName: 'from-java',
        Records: [{ PartitionKey: 'user-a', Data: FROM_JAVA_KPL }],
      }),
    );

    console.log('async-kinesis MsgpackProcessor record, read with msgpackProcessor():');
    for (const item of await readAll(connection, 'from-python', msgpackProcessor(), 2)) {
      console.log(`  item ${item.subSequenceNumber} of ${item.subRecordCount}:`, item.data);
    }

    console.log('KPL aggregated record, read with kplJsonProcessor():');
    for (const item of await readAll(connection, 'from-java', kplJsonProcessor(), 3)) {
      console.log(`  sub-record ${item.subSequenceNumber}, partition key ${item.partitionKey}:`, item.data);
    }
  } finally {
    client.destroy();
    await local.close();
  }
}

main().catch((error: unknown) => {
  // A failure is one line on stderr and exit status 1, in every example.
  console.error(`example failed: ${String(error)}`);
  process.exit(1);
});
