/**
 * A fast in-memory Kinesis stand-in for benchmarks: an HTTP server answering the few JSON calls
 * the producer makes (ListShards, DescribeStreamSummary, DescribeStream, CreateStream,
 * PutRecords) with the shard each entry's hash key routes to. It stores nothing, so the client is
 * what a benchmark measures. Run it in its own process (`startStandInProcess`) so its CPU is not
 * counted as the client's.
 *
 * With `--limits` it meters writes as Kinesis does (per shard 1,000 records and 1 MiB per
 * second, as a bucket that refills continuously) and answers entries over the limit with
 * ProvisionedThroughputExceededException. It counts accepted and throttled entries per stream
 * (Stats call, a non-AWS operation used by the benchmarks).
 *
 * For consumer benchmarks it also serves GetShardIterator (TRIM_HORIZON, AT/AFTER_SEQUENCE_NUMBER,
 * LATEST) and GetRecords over a backlog filled in one non-AWS call (Fill: `{ StreamName,
 * PerShard, Data }`, the same base64 data for every record), answered from pre-built JSON so
 * that the server costs little per record.
 *
 * Run: npx tsx bench/standInKinesis.ts [--limits] [--port 0]   (prints `listening <port>`)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readPutRecordsBody, type PutEntryShape } from './putRecordsBody.js';

const MAX_HASH_KEY = (1n << 128n) - 1n;
const RECORDS_PER_SECOND = 1000;
const BYTES_PER_SECOND = 1024 * 1024;

interface Shard {
  readonly id: string;
  readonly startHex: string;
  readonly endHex: string;
  readonly start: string;
  readonly end: string;
  records: number;
  bytes: number;
  at: number;
  sequence: bigint;
  /** Records readable with GetRecords (filled by the non-AWS Fill call), as JSON fragments. */
  backlog: string[];
}

interface Stream {
  readonly name: string;
  readonly shards: Shard[];
  accepted: number;
  throttled: number;
  calls: number;
}

const hex32 = (value: bigint) => value.toString(16).padStart(32, '0');

function makeStream(name: string, count: number): Stream {
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  const shards = Array.from({ length: count }, (_, i): Shard => {
    const start = width * BigInt(i);
    const end = i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n;
    return {
      id: `shardId-${String(i).padStart(12, '0')}`,
      startHex: hex32(start),
      endHex: hex32(end),
      start: String(start),
      end: String(end),
      records: RECORDS_PER_SECOND,
      bytes: BYTES_PER_SECOND,
      at: Date.now(),
      sequence: BigInt(i + 1) * 10n ** 40n,
      backlog: [],
    };
  });
  return { name, shards, accepted: 0, throttled: 0, calls: 0 };
}

function shardOf(stream: Stream, partitionKey: string, explicitHashKey: string | undefined): Shard {
  const hashHex =
    explicitHashKey === undefined
      ? createHash('md5').update(partitionKey, 'utf8').digest('hex')
      : hex32(BigInt(explicitHashKey));
  const { shards } = stream;
  let low = 0;
  let high = shards.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (shards[middle]!.startHex <= hashHex) low = middle;
    else high = middle - 1;
  }
  return shards[low]!;
}

export interface StandInOptions {
  readonly limits: boolean;
}

export function startStandIn(options: StandInOptions, port = 0): Promise<number> {
  const streams = new Map<string, Stream>();
  const streamOf = (body: { StreamName?: string; StreamARN?: string }): Stream | undefined =>
    streams.get(body.StreamName ?? body.StreamARN?.split('/').pop() ?? '');

  const answer = (res: ServerResponse, status: number, payload: unknown) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': '0',
    });
    res.end(text);
  };
  const notFound = (res: ServerResponse) =>
    answer(res, 400, { __type: 'ResourceNotFoundException', message: 'Stream not found' });

  const handle = (operation: string, body: Record<string, unknown>, res: ServerResponse) => {
    if (operation === 'CreateStream') {
      const name = String(body.StreamName);
      streams.set(name, makeStream(name, Number(body.ShardCount ?? 1)));
      return answer(res, 200, {});
    }
    if (operation === 'Cpu') {
      // Non-AWS: this process's CPU time, to report the stand-in's share apart from the client's.
      const { user, system } = process.cpuUsage();
      return answer(res, 200, { userMicros: user, systemMicros: system });
    }
    if (operation === 'Stats') {
      return answer(
        res,
        200,
        Object.fromEntries(
          [...streams.values()].map((s) => [
            s.name,
            { accepted: s.accepted, throttled: s.throttled, calls: s.calls },
          ]),
        ),
      );
    }
    if (operation === 'GetRecords') return getRecords(String(body.ShardIterator), Number(body.Limit), res);
    const stream = streamOf(body);
    if (stream === undefined) return notFound(res);
    if (operation === 'Fill') {
      const perShard = Number(body.PerShard);
      const data = String(body.Data);
      const arrival = Date.now() / 1000;
      for (const shard of stream.shards) {
        for (let i = 0; i < perShard; i += 1) {
          shard.sequence += 1n;
          shard.backlog.push(
            `{"Data":"${data}","PartitionKey":"k${i}","SequenceNumber":"${String(shard.sequence)}","ApproximateArrivalTimestamp":${arrival}}`,
          );
        }
      }
      return answer(res, 200, {});
    }
    if (operation === 'GetShardIterator') {
      const index = stream.shards.findIndex((shard) => shard.id === body.ShardId);
      if (index === -1) return notFound(res);
      const shard = stream.shards[index]!;
      let position = 0;
      const type = String(body.ShardIteratorType);
      if (type === 'LATEST') position = shard.backlog.length;
      else if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
        const first = shard.sequence - BigInt(shard.backlog.length) + 1n;
        position =
          Number(BigInt(String(body.StartingSequenceNumber)) - first) +
          (type === 'AT_SEQUENCE_NUMBER' ? 0 : 1);
      }
      return answer(res, 200, { ShardIterator: `${stream.name}/${index}/${position}` });
    }
    if (operation === 'DescribeStreamSummary') {
      return answer(res, 200, {
        StreamDescriptionSummary: {
          StreamName: stream.name,
          StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream.name}`,
          StreamStatus: 'ACTIVE',
          OpenShardCount: stream.shards.length,
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: Date.now() / 1000,
          EnhancedMonitoring: [],
        },
      });
    }
    if (operation === 'ListShards' || operation === 'DescribeStream') {
      const shards = stream.shards.map((shard) => ({
        ShardId: shard.id,
        HashKeyRange: { StartingHashKey: shard.start, EndingHashKey: shard.end },
        SequenceNumberRange: { StartingSequenceNumber: '1' },
      }));
      return answer(
        res,
        200,
        operation === 'ListShards'
          ? { Shards: shards }
          : {
              StreamDescription: {
                StreamName: stream.name,
                StreamStatus: 'ACTIVE',
                Shards: shards,
                HasMoreShards: false,
              },
            },
      );
    }
    if (operation === 'PutRecords') {
      const entries = (
        (body.Records ?? []) as Array<{
          Data: string;
          PartitionKey: string;
          ExplicitHashKey?: string;
        }>
      ).map((entry): PutEntryShape => ({
        dataBytes: Buffer.byteLength(entry.Data, 'base64'),
        partitionKey: entry.PartitionKey,
        explicitHashKey: entry.ExplicitHashKey,
      }));
      return putRecords(stream, entries, res);
    }
    return answer(res, 400, { __type: 'UnknownOperationException', message: operation });
  };

  const putRecords = (stream: Stream, entries: readonly PutEntryShape[], res: ServerResponse) => {
    stream.calls += 1;
    const now = Date.now();
    let failed = 0;
    const records = entries.map((entry) => {
      const shard = shardOf(stream, entry.partitionKey, entry.explicitHashKey);
      if (options.limits) {
        const elapsed = (now - shard.at) / 1000;
        shard.at = now;
        shard.records = Math.min(RECORDS_PER_SECOND, shard.records + elapsed * RECORDS_PER_SECOND);
        shard.bytes = Math.min(BYTES_PER_SECOND, shard.bytes + elapsed * BYTES_PER_SECOND);
        // Data bytes and partition key bytes count, as in Kinesis.
        const size = entry.dataBytes + Buffer.byteLength(entry.partitionKey);
        if (shard.records < 1 || shard.bytes < size) {
          failed += 1;
          stream.throttled += 1;
          return {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: `Rate exceeded for shard ${shard.id}`,
          };
        }
        shard.records -= 1;
        shard.bytes -= size;
      }
      stream.accepted += 1;
      shard.sequence += 1n;
      return { ShardId: shard.id, SequenceNumber: String(shard.sequence) };
    });
    answer(res, 200, { FailedRecordCount: failed, Records: records });
  };

  const getRecords = (iterator: string, limit: number, res: ServerResponse) => {
    const [name, index, from] = iterator.split('/');
    const shard = streams.get(name ?? '')?.shards[Number(index)];
    if (shard === undefined) {
      return answer(res, 400, { __type: 'ExpiredIteratorException', message: 'Iterator expired' });
    }
    const start = Math.max(0, Number(from));
    const end = Math.min(
      shard.backlog.length,
      start + (Number.isFinite(limit) && limit > 0 ? limit : 10_000),
    );
    const text = `{"Records":[${shard.backlog.slice(start, end).join(',')}],"NextShardIterator":"${name}/${index}/${end}","MillisBehindLatest":${end < shard.backlog.length ? 1000 : 0}}`;
    res.writeHead(200, {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': '0',
    });
    res.end(text);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const bytes = Buffer.concat(chunks);
      if (operation === 'PutRecords') {
        // The bodies' base64 data is only measured, not decoded (see putRecordsBody.ts).
        const shape = readPutRecordsBody(bytes);
        if (shape !== undefined) {
          const stream = streamOf({ StreamName: shape.streamName, StreamARN: shape.streamARN });
          return stream === undefined ? notFound(res) : putRecords(stream, shape.entries, res);
        }
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(bytes.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return answer(res, 400, { __type: 'SerializationException', message: 'bad JSON' });
      }
      handle(operation, body, res);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** The stand-in's CPU time so far, in seconds (its non-AWS `Cpu` call). */
export async function standInCpuSeconds(endpoint: string): Promise<number> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': 'Kinesis_20131202.Cpu', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
    signal: AbortSignal.timeout(10_000),
  });
  const { userMicros, systemMicros } = (await response.json()) as {
    userMicros: number;
    systemMicros: number;
  };
  return (userMicros + systemMicros) / 1e6;
}

/** Starts the stand-in in a child process; resolves with its endpoint and a way to stop it. */
export function startStandInProcess(
  options: StandInOptions,
): Promise<{ endpoint: string; stop: () => void; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    // STAND_IN_SCRIPT: this file's path when the benchmark runs bundled (its __filename is the bundle's).
    const child = fork(process.env.STAND_IN_SCRIPT ?? __filename, options.limits ? ['--limits'] : [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      const match = /listening (\d+)/.exec(text);
      if (match) resolve({ endpoint: `http://127.0.0.1:${match[1]}`, stop: () => child.kill(), child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`stand-in exited with ${String(code)}`)));
  });
}

if (require.main === module) {
  // Started by startStandInProcess: leave with the parent, even if it crashed.
  process.on('disconnect', () => process.exit(0));
  const args = process.argv.slice(2);
  const portIndex = args.indexOf('--port');
  void startStandIn(
    { limits: args.includes('--limits') },
    portIndex === -1 ? 0 : Number(args[portIndex + 1]),
  ).then((port) => console.log(`listening ${port}`));
}
