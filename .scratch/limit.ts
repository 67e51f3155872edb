import { RegisterStreamConsumerCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { startLocalKinesis } from '/work/main/src/local/index.js';
import { fromKinesis } from '/work/main/src/index.js';
import { inspect } from 'node:util';
async function main() {
  const local = await startLocalKinesis({ streams: { s: 1 }, efo: { maxConsumersPerStream: 1, consumerStatusDelayMs: 0 } });
  const client = local.createClient();
  const arn = (await client.send(new DescribeStreamSummaryCommand({ StreamName: 's' }))).StreamDescriptionSummary!.StreamARN!;
  await client.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'a' }));
  const started = Date.now();
  await new Promise<void>((resolve) => {
    fromKinesis({ streamName: 's', endpoint: local.endpoint, region: 'us-east-1', credentials: local.credentials, enhancedFanOut: { consumerName: 'b', activationTimeoutMs: 5000 } }).subscribe({
      error: (e) => { console.log(Date.now() - started, 'ms'); console.log(inspect(e, { depth: 3 }).slice(0, 1500)); resolve(); },
    });
  });
  client.destroy();
  await local.close();
}
void main();
