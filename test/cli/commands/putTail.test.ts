import { exactIntegersSupported } from '../../../src/processors/serializers/exactIntegers.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { cliAgainst } from '../cliAgainst.js';
import { linesOf, runCli } from '../runCli.js';

interface PrintedLine {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber: number;
  partitionKey: string;
  arrival: string;
  data: unknown;
}

describe('rxjs-kinesis put and tail', () => {
  const kinesis = useTestKinesis({ embedded: true });
  const cli = cliAgainst(kinesis);

  it.each([
    ['json', (i: number): unknown => ({ user: `user-${i % 7}`, n: i, tags: ['a', i] })],
    ['kpljson', (i: number): unknown => ({ user: `user-${i % 7}`, n: i })],
    ['msgpack', (i: number): unknown => ({ user: `user-${i % 7}`, n: i, nested: { ok: i % 2 === 0 } })],
  ])('round-trips JSON lines with --processor %s and --partition-key-field', async (processor, item) => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 2);
    const items = Array.from({ length: 40 }, (_, i) => item(i));
    const input = `${items.map((value) => JSON.stringify(value)).join('\n')}\n\n`;
    const put = await cli(['put', stream, '-p', processor, '--partition-key-field', 'user'], { input });
    // The empty line at the end is skipped, and not counted as read.
    expect(put.stderr).toContain(
      `put ${stream}: 40 lines read (1 empty line skipped), 40 delivered, 0 failed`,
    );
    expect(put.code).toBe(0);

    const tail = await cli(['tail', stream, '-p', processor, '--from', 'trim-horizon', '--limit', '40']);
    expect(tail.code).toBe(0);
    const printed = linesOf(tail.stdout).map((line) => JSON.parse(line) as PrintedLine);
    expect(printed).toHaveLength(40);
    const byN = new Map(printed.map((line) => [(line.data as { n: number }).n, line]));
    for (const [i, value] of items.entries()) {
      const line = byN.get(i)!;
      expect(line.data).toEqual(value);
      // msgpack records (netstrings) carry one partition key, the first item's; KPL keeps each item's.
      if (processor !== 'msgpack') expect(line.partitionKey).toBe((value as { user: string }).user);
      expect(line.shardId).toMatch(/^shardId-/);
      expect(line.sequenceNumber).toMatch(/^\d+$/);
      expect(Number.isNaN(Date.parse(line.arrival))).toBe(false);
    }
    // One key always lands on the same shard; aggregating formats number the items of a record.
    const recordKeys = new Map<string, Set<string>>();
    for (const line of printed) {
      recordKeys.set(
        line.sequenceNumber,
        (recordKeys.get(line.sequenceNumber) ?? new Set()).add(line.partitionKey),
      );
    }
    if (processor === 'msgpack') for (const keys of recordKeys.values()) expect(keys.size).toBe(1);
    for (const key of new Set(printed.map((line) => line.partitionKey))) {
      expect(
        new Set(printed.filter((line) => line.partitionKey === key).map((line) => line.shardId)).size,
      ).toBe(1);
    }
    const maxSub = Math.max(...printed.map((line) => line.subSequenceNumber));
    if (processor === 'json') expect(maxSub).toBe(0);
    else expect(maxSub).toBeGreaterThan(0);
  });

  // Node 20 has no JSON source text access: there the commands fall back to plain numbers.
  (exactIntegersSupported() ? it.each : it.skip.each)(['json', 'jsonline', 'kpljson', 'msgpack'])(
    'keeps 64-bit ids exact from the input line to the printed line with --processor %s',
    async (processor) => {
      const stream = uniqueStreamName('cli-ids');
      await kinesis.createStream(stream, 2);
      const ids = ['12345678901234567890', '-9223372036854775808', '9007199254740993', '42'];
      const input = `${ids.map((id, n) => `{"id": ${id}, "n": ${n}, "f": 1e+20}`).join('\n')}\n`;
      const put = await cli(['put', stream, '-p', processor, '--partition-key-field', 'id'], { input });
      expect(put.stderr).toContain(`put ${stream}: 4 lines read, 4 delivered, 0 failed`);

      const tail = await cli(['tail', stream, '-p', processor, '--from', 'trim-horizon', '--limit', '4']);
      expect(tail.code).toBe(0);
      const printed = linesOf(tail.stdout);
      for (const [n, id] of ids.entries()) {
        const line = printed.find((text) => text.includes(`"n":${n},`));
        // Printed with all its digits, as a number; the float stays a float.
        expect(line).toContain(`"data":{"id":${id},"n":${n},"f":1e+20}`);
        // The key came from the exact id (JSON lines and msgpack records carry their first item's).
        if (processor === 'json' || processor === 'kpljson') expect(line).toContain(`"partitionKey":"${id}"`);
      }
    },
  );

  it('round-trips plain text lines with --processor string and no retries, starting at a timestamp', async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    const before = new Date(Date.now() - 60_000).toISOString();
    // --retry-limit 0, as the Producer's retryLimit takes it: each record is sent once.
    const put = await cli(['put', stream, '-p', 'string', '--quiet', '--retry-limit', '0'], {
      input: 'first line\r\n{not json}\nlast line',
    });
    expect(put.stderr).toContain(`put ${stream}: 3 lines read, 3 delivered, 0 failed`);
    expect(put.code).toBe(0);
    const tail = await cli(['tail', stream, '-p', 'string', '--from', before, '-n', '3']);
    expect(tail.code).toBe(0);
    expect(linesOf(tail.stdout).map((line) => (JSON.parse(line) as PrintedLine).data)).toEqual([
      'first line',
      '{not json}',
      'last line',
    ]);
    // Read as JSON, the lines that are not JSON are skipped, each named once by shard and sequence number.
    expect((await cli(['put', stream, '--quiet'], { input: '{"n":1}' })).code).toBe(0);
    const json = await cli(['tail', stream, '--from', before, '-n', '1']);
    expect(json.code).toBe(0);
    expect(linesOf(json.stdout).map((line) => (JSON.parse(line) as PrintedLine).data)).toEqual([{ n: 1 }]);
    const skipped = linesOf(json.stderr).filter((line) => line.startsWith('skipped'));
    expect(skipped).toHaveLength(3);
    for (const line of skipped) {
      expect(line).toMatch(
        /^skipped record \(json\) at shard shardId-000000000000 sequence number \d+ sub-record 0: json: item is not valid JSON/,
      );
      expect(line.match(/shardId-000000000000/g)).toHaveLength(1);
    }
  });

  it('put exits with status 1 naming each line that failed, and still delivers the others', async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    const input = ['{"user":"a","n":1}', '{"n":2}', 'not json', '{"user":null}', '{"user":"b","n":5}'].join(
      '\n',
    );
    const put = await cli(['put', stream, '-k', 'user'], { input });
    expect(put.code).toBe(1);
    expect(put.stderr).toMatch(/^line 2: InvalidPartitionKeyError: .*field "user" is missing$/m);
    expect(put.stderr).toMatch(/^line 3: not valid JSON \(/m);
    expect(put.stderr).toMatch(/^line 4: InvalidPartitionKeyError: the item has .*field "user" is null/m);
    // The producer numbers only the lines it was given: line 4 was its item #2. One number per line.
    expect(put.stderr).not.toContain('Item #');
    expect(put.stderr).toContain(`put ${stream}: 5 lines read, 2 delivered, 3 failed`);
    const tail = await cli(['tail', stream, '--from', 'trim-horizon', '-n', '2']);
    expect(linesOf(tail.stdout).map((line) => (JSON.parse(line) as PrintedLine).partitionKey)).toEqual([
      'a',
      'b',
    ]);
  });

  it('put names why a line is not JSON without printing the line (it may hold a secret)', async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    const put = await cli(['put', stream], {
      input: 'password=hunter2\n{"token": "s3cr3t", oops}\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9\n',
    });
    expect(put.code).toBe(1);
    // Was: `line 1: not valid JSON (Unexpected token 'p', "password=hunter2" is not valid JSON)`.
    const failures = linesOf(put.stderr).filter((line) => line.startsWith('line '));
    expect(failures).toHaveLength(3);
    expect(failures[0]).toBe("line 1: not valid JSON (Unexpected token 'p')");
    // The reason and where, in V8's words: no quoted piece of the line.
    expect(failures[1]).toMatch(/^line 2: not valid JSON \([^"]* position 20[^"]*\)$/);
    expect(failures[2]).toBe("line 3: not valid JSON (Unexpected token 'A')");
    expect(put.stderr).not.toMatch(/hunter2|s3cr3t|Authoriz/);
  });

  it('put --processor string --partition-key-field names a line that is not JSON in one plain sentence', async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    const put = await cli(['put', stream, '-p', 'string', '-k', 'user'], {
      input: 'plain text\n{"user":"a"}\n',
    });
    expect(put.code).toBe(1);
    // Was: `... invalid partition key: not valid JSON (Unexpected token 'p' (the text is not shown) is not valid JSON)`.
    expect(linesOf(put.stderr).filter((line) => line.startsWith('line '))).toEqual([
      `line 1: InvalidPartitionKeyError: the item has an invalid partition key: the line is not JSON, so it has no field "user" (Unexpected token 'p')`,
    ]);
    expect(put.stderr).toContain(`put ${stream}: 2 lines read, 1 delivered, 1 failed`);
  });

  it("put ends a line at LF (or CRLF) only: a lone CR stays in its line, and line numbers are the input's", async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    // Three lines: a CR is JSON white space, and a text line may hold one (a terminal's progress).
    const json = await cli(['put', stream, '--quiet'], { input: '{"n":\r1}\r\n{"n":2}\r{"n":3}\nbad\n' });
    expect(json.code).toBe(1);
    expect(linesOf(json.stderr).filter((line) => line.startsWith('line '))).toEqual([
      expect.stringMatching(/^line 2: not valid JSON \(Unexpected non-whitespace character after JSON/),
      "line 3: not valid JSON (Unexpected token 'b')",
    ]);
    expect(json.stderr).toContain(`put ${stream}: 3 lines read, 1 delivered, 2 failed`);
    const text = await cli(['put', stream, '-p', 'string', '--quiet'], { input: 'a\rb\r\nc\r' });
    expect(text.stderr).toContain(`put ${stream}: 2 lines read, 2 delivered, 0 failed`);
    const tail = await cli(['tail', stream, '-p', 'string', '--from', 'trim-horizon', '-n', '3']);
    expect(linesOf(tail.stdout).map((line) => (JSON.parse(line) as PrintedLine).data)).toEqual([
      '{"n": 1}',
      'a\rb',
      // A CR that ends the input, with no LF after it, is a lone CR too.
      'c\r',
    ]);
  });

  it('put reads past the UTF-8 byte order mark of a file saved with one', async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    const put = await cli(['put', stream, '--quiet'], { input: '\ufeff{"n":1}\r\n{"n":2}\r\n' });
    expect(put.stderr).toContain(`put ${stream}: 2 lines read, 2 delivered, 0 failed`);
    expect(put.code).toBe(0);
  });

  it('put -k reads only the fields a line holds, not those every object inherits', async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    const put = await cli(['put', stream, '--quiet', '-k', 'user.toString'], {
      input: '{"user":{"id":1}}\n{"user":{"toString":"a"}}\n',
    });
    expect(linesOf(put.stderr).filter((line) => line.startsWith('line '))).toEqual([
      'line 1: InvalidPartitionKeyError: the item has an invalid partition key: field "user.toString" is missing',
    ]);
    expect(put.stderr).toContain(`put ${stream}: 2 lines read, 1 delivered, 1 failed`);
  });

  it('put fails a line longer than 16 MiB without holding it, and sends the lines around it', async () => {
    const stream = uniqueStreamName('cli');
    await kinesis.createStream(stream, 1);
    const long = 'x'.repeat(16 * 1024 * 1024 + 1);
    const put = await cli(['put', stream, '-p', 'string', '--quiet'], { input: `first\n${long}\nlast` });
    expect(put.code).toBe(1);
    expect(linesOf(put.stderr).filter((line) => line.startsWith('line '))).toEqual([
      'line 2: longer than 16 MiB (16,777,217 bytes); not sent',
    ]);
    expect(put.stderr).toContain(`put ${stream}: 3 lines read, 2 delivered, 1 failed`);
  });

  it('put and tail exit with status 1 and one line when the stream does not exist', async () => {
    const [put, tail] = await Promise.all([
      cli(['put', 'no-such-stream'], { input: '{}\n' }),
      cli(['tail', 'no-such-stream', '-n', '1']),
    ]);
    for (const result of [put, tail]) {
      expect(result.code).toBe(1);
      expect(linesOf(result.stderr)).toEqual([
        'rxjs-kinesis: Stream no-such-stream does not exist; check its name, --region and --endpoint, ' +
          'or create it (aws kinesis create-stream --stream-name no-such-stream --shard-count 1)',
      ]);
    }
  });

  it.concurrent.each([
    [['put'], /missing required argument/],
    [['put', 'bad name!'], /stream name/],
    [['put', 's', '-p', 'xml'], /invalid --processor "xml": unknown processor/],
    [['put', 's', '-k', 'a..b'], /field name/],
    [['put', 's', '--retry-limit', '-3'], /--retry-limit/],
    [['put', 's', '--region', 'Mars'], /AWS region/],
    [['tail'], /missing required argument/],
    [['tail', 's', '--from', 'yesterday'], /trim-horizon, latest or an ISO 8601 time/],
    [['tail', 's', '--limit', 'ten'], /--limit/],
    [['tail', 's', '--endpoint', 'ftp://x'], /http/],
    [['tail', 's', '--bogus'], /unknown option/],
  ])('refuses %j with a one-line error and exit status 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    const [first, ...rest] = linesOf(result.stderr);
    expect(first).toMatch(/^error: /);
    expect(first).toMatch(message);
    // The pointer names the command's own help, where its flags are.
    expect(rest).toEqual([`(run rxjs-kinesis ${args[0]} --help for usage)`]);
  });

  it.each([['put'], ['tail']])('%s --help shows examples', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('--processor');
    // The bound of --retry-limit is the Producer's retryLimit's.
    if (command === 'put')
      expect(result.stdout.replace(/\s+/g, ' ')).toContain('an integer >= 0 (0: none), or infinity');
  });
});
