import {
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';

const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2];

/** Whether a record's data is a KPL aggregated record (it starts with the KPL magic bytes). */
export const isAggregated = (data: Uint8Array | undefined): boolean =>
  data !== undefined && KPL_MAGIC.every((byte, i) => data[i] === byte);

/** An answer entry that fails the record as Kinesis does for an internal failure. */
export const internalFailure: PutRecordsResultEntry = {
  ErrorCode: 'InternalFailure',
  ErrorMessage: 'Internal service failure.',
};

/**
 * `client`, whose PutRecords calls reach the server as usual but whose answers follow `script`:
 * each entry of the answer is replaced by what `script` makes of it and of the record sent
 * (`FailedRecordCount` recounted). Every other command goes through unchanged.
 */
export function scriptedPutRecords(
  client: KinesisClient,
  script: (sent: PutRecordsRequestEntry, entry: PutRecordsResultEntry) => PutRecordsResultEntry,
): KinesisClient {
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const scripted = async (command: unknown, options?: unknown): Promise<unknown> => {
    const out = await send(command, options);
    if (!(command instanceof PutRecordsCommand)) return out;
    const answer = out as PutRecordsCommandOutput;
    const records = (answer.Records ?? []).map((entry, i) => script(command.input.Records![i]!, entry));
    return {
      ...answer,
      FailedRecordCount: records.filter((r) => r.ErrorCode !== undefined).length,
      Records: records,
    };
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? scripted : (Reflect.get(target, property, receiver) as unknown),
  });
}
