import { createRequire } from 'node:module';

/** Typed view of the parts of aws-kinesis-agg (the reference KPL implementation) the tests use. */
export interface OracleUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  data: string;
}

export interface OracleEncodedRecord {
  partitionKey: string;
  ExplicitHashKey?: string;
  data: Buffer;
}

interface OracleRecordAggregator {
  addUserRecord(record: { partitionKey: string; explicitHashKey?: string; data: Buffer }): void;
  build(): OracleEncodedRecord | undefined;
  length(): number;
}

interface OracleModule {
  RecordAggregator: new () => OracleRecordAggregator;
  deaggregateSync(
    record: { partitionKey: string; explicitPartitionKey?: string; sequenceNumber: string; data: string },
    computeChecksums: boolean,
    callback: (error: Error | null | undefined, records?: OracleUserRecord[]) => void,
  ): void;
}

const load = createRequire(__filename);
export const awsKinesisAgg = load('aws-kinesis-agg') as OracleModule;

/** Aggregates all entries into one record with aws-kinesis-agg. */
export function oracleAggregate(
  entries: readonly { partitionKey: string; explicitHashKey?: string; data: Uint8Array }[],
): OracleEncodedRecord {
  const aggregator = new awsKinesisAgg.RecordAggregator();
  for (const entry of entries) {
    aggregator.addUserRecord({
      partitionKey: entry.partitionKey,
      ...(entry.explicitHashKey === undefined ? {} : { explicitHashKey: entry.explicitHashKey }),
      data: Buffer.from(entry.data),
    });
  }
  const built = aggregator.build();
  if (built === undefined) throw new Error('aws-kinesis-agg built nothing');
  return built;
}

/** Deaggregates one record with aws-kinesis-agg, verifying checksums. */
export function oracleDeaggregate(data: Uint8Array, partitionKey = 'outer'): OracleUserRecord[] {
  let result: OracleUserRecord[] | undefined;
  let failure: unknown;
  awsKinesisAgg.deaggregateSync(
    { partitionKey, sequenceNumber: '1', data: Buffer.from(data).toString('base64') },
    true,
    (error, records) => {
      if (error) failure = error;
      else result = records;
    },
  );
  if (failure !== undefined) throw failure;
  if (result === undefined) throw new Error('aws-kinesis-agg returned nothing');
  return result;
}
