import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { cliAgainst } from '../cliAgainst.js';

// `rxjs-kinesis demo --stream <name>` uses a stream that may already hold records: an earlier
// run's items (with the same ids), other writers' items, records that are not JSON at all.
describe('rxjs-kinesis demo --stream on a stream that already holds records', () => {
  const kinesis = useTestKinesis({ embedded: true });
  const cli = cliAgainst(kinesis);

  it('checks only its own items: earlier runs, other writers and undecodable records are skipped', async () => {
    const stream = uniqueStreamName('demo');
    await kinesis.createStream(stream, 1);
    const first = await cli(['demo', '--stream', stream, '-n', '30', '-p', 'json']);
    expect(first.stdout).toMatch(/^result\s+OK: produced == consumed \(30\)$/m);
    // Another writer's records: JSON null, an object that is no demo item, and bytes that are not JSON.
    const client = kinesis.createClient();
    const foreign = ['null', '{"order":1}', 'not json'];
    await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: foreign.map((text) => ({ Data: Buffer.from(text), PartitionKey: 'other' })),
      }),
    );
    client.destroy();

    const second = await cli(['demo', '--stream', stream, '-n', '30', '-p', 'json']);
    expect(second.stderr).not.toMatch(/rxjs-kinesis:/);
    // The first run's 30 items are not this run's: neither consumed nor duplicates.
    expect(second.stdout).toMatch(
      /^consumed\s+30 items, .* 0 duplicates; skipped 32 other items of the stream \(earlier runs, other writers\) and 1 undecodable record$/m,
    );
    expect(second.stdout).toMatch(/^result\s+OK: produced == consumed \(30\)$/m);
    expect(second.code).toBe(0);
  }, 120_000);
});
