import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { Command } from 'commander';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { listShards } from '../../kinesis/listShards.js';
import { parseStreamAddress } from '../../kinesis/streamAddress.js';
import { startLocalKinesis } from '../../local/startLocalKinesis.js';

interface DemoFlags {
  readonly records: string;
  readonly shards: string;
}

/** `rxjs-kinesis demo`: writes records to the embedded Kinesis with limits on and reads them back. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('write records to the embedded Kinesis (limits on) and read them back')
    .option('-n, --records <n>', 'records to write', '2000')
    .option('--shards <n>', 'shards of the demo stream', '2')
    .addHelpText('after', '\nExamples:\n  rxjs-kinesis demo\n  rxjs-kinesis demo --records 5000 --shards 4')
    .action(async (flags: DemoFlags) => {
      const records = positiveInteger('records', flags.records);
      const shards = positiveInteger('shards', flags.shards);
      await runDemo(records, shards);
    });
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionError(option, text, 'expected a positive integer');
  }
  return value;
}

async function runDemo(count: number, shards: number): Promise<void> {
  const local = await startLocalKinesis({ limits: true });
  const client = local.createClient();
  const streamName = 'rxjs-kinesis-demo';
  try {
    await local.createStream(streamName, shards);
    process.stdout.write(`local Kinesis at ${local.endpoint}, stream ${streamName} with ${shards} shards\n`);
    const started = Date.now();
    let pending = Array.from({ length: count }, (_, i) => ({
      Data: Buffer.from(JSON.stringify({ id: i })),
      PartitionKey: `key-${i}`,
    }));
    let throttled = 0;
    while (pending.length > 0) {
      const batch = pending.slice(0, 500);
      const response = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: batch }));
      const failed = batch.filter((_, i) => response.Records?.[i]?.ErrorCode !== undefined);
      throttled += failed.length;
      pending = [...failed, ...pending.slice(500)];
      if (failed.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    process.stdout.write(
      `wrote ${count} records in ${Date.now() - started} ms (${throttled} entries throttled and re-sent)\n`,
    );
    const seen = new Set<number>();
    for (const shard of await listShards(client, parseStreamAddress(streamName))) {
      let iterator = (
        await client.send(
          new GetShardIteratorCommand({
            StreamName: streamName,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      while (iterator !== undefined) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
        for (const record of page.Records ?? [])
          seen.add((JSON.parse(Buffer.from(record.Data!).toString()) as { id: number }).id);
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    process.stdout.write(
      `read back ${seen.size} distinct records: ${seen.size === count ? 'all there' : 'MISSING SOME'}\n`,
    );
    if (seen.size !== count) process.exitCode = 1;
  } finally {
    client.destroy();
    await local.close();
  }
}
