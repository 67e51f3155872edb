// Case: `tail --from` a time a little ahead of this machine's clock (a clock a little behind the
// server's, a time typed or computed a moment early) was refused as still to come. A time up to a
// minute ahead is now taken: the reading starts at this machine's time, and the items that
// arrived before the time given are read but not shown, nor counted for --limit.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { cliAgainst } from '../cliAgainst.js';
import { linesOf } from '../runCli.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis({ embedded: true });
const cli = cliAgainst(kinesis);

const until = (time: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));

it('tail --from a time 10 s ahead shows the items that arrived from then on', async () => {
  const stream = uniqueStreamName('cli-ahead');
  await kinesis.createStream(stream, 1);
  const client = kinesis.createClient();
  const put = (text: string) =>
    client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from(text) }));
  try {
    const from = Date.now() + 10_000;
    const tail = cli(['tail', stream, '-p', 'string', '--from', new Date(from).toISOString(), '-n', '1']);
    // Before the time given, once the tail has started reading (it takes a few seconds to start),
    // then after it.
    await until(from - 3_000);
    await put('early');
    await until(from + 500);
    await put('on time');
    const result = await tail;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(linesOf(result.stdout).map((line) => (JSON.parse(line) as { data: unknown }).data)).toEqual([
      'on time',
    ]);
  } finally {
    client.destroy();
  }
});
