import { InvalidArgumentError, Option, type Command } from 'commander';
import { concatMap, identity, takeWhile } from 'rxjs';
import type { KinesisItem } from '../../consumer/KinesisItem.js';
import { createKinesisClient } from '../../kinesis/createKinesisClient.js';
import { createSubscriptionClient } from '../../kinesis/createSubscriptionClient.js';
import { checkReachable } from '../checkReachable.js';
import { cliConnection } from '../cliConnection.js';
import { printedBigInt, printedNumber } from '../exactJson.js';
import { printableText } from '../../errors/printableText.js';
import { ensureStream } from '../../kinesis/ensureStream.js';
import { parseStreamAddress } from '../../kinesis/streamAddress.js';
import { fromKinesis } from '../../observables/fromKinesis.js';
import { describeEndpoint } from '../../producer/describeEndpoint.js';
import { checkpoint } from '../../operators/checkpoint.js';
import { deserialize } from '../../operators/deserialize.js';
import {
  parseEndpoint,
  processorOption,
  parseRegion,
  parseStartPosition,
  parseStreamName,
  positiveIntegerFlag,
  type ProcessorChoice,
  type StartPosition,
} from '../parseFlags.js';

/** What tail writes to: stdout-like (with back-pressure) and stderr; replaceable in tests. */
export interface TailCommandIo {
  readonly stdout: {
    write(text: string): boolean;
    once(event: 'drain', listener: () => void): unknown;
    on?(event: 'error', listener: (error: Error) => void): unknown;
    off?(event: 'error', listener: (error: Error) => void): unknown;
  };
  readonly stderr: { write(text: string): unknown };
  /** Stop cleanly on SIGINT/SIGTERM. Default true. */
  readonly handleSignals?: boolean;
}

interface TailFlags {
  readonly processor: ProcessorChoice;
  readonly from: StartPosition;
  readonly limit?: number;
  readonly endpoint?: string;
  readonly region?: string;
  /** Read with enhanced fan-out as this stream consumer. */
  readonly efo?: string;
  readonly deregister?: boolean;
}

/** One printed line. */
export interface TailLine {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
  readonly partitionKey: string;
  /** Approximate arrival time of the record, ISO 8601. */
  readonly arrival: string;
  readonly data: unknown;
}

const EXAMPLES = `
Prints one JSON line per item:
  {"shardId":"shardId-000000000000","sequenceNumber":"4959...","subSequenceNumber":0,
   "partitionKey":"user-1","arrival":"2026-01-31T12:00:00.000Z","data":{...}}
Binary values (msgpack) print as base64 strings. Records that cannot be decoded are reported on
stderr and skipped. Ctrl+C stops; --limit N stops after N items with status 0.

Examples:
  rxjs-kinesis tail orders                                   # new items from now on
  rxjs-kinesis tail orders --from trim-horizon --limit 10    # the 10 oldest items
  rxjs-kinesis tail orders --from 2026-01-31T12:00:00Z -p kpljson | jq .data
  rxjs-kinesis tail logs -p string --endpoint http://127.0.0.1:4567
  rxjs-kinesis tail orders --efo audit-tail --deregister     # enhanced fan-out, consumer
                                                             # removed after`;

/** Adds `rxjs-kinesis tail <stream>`: prints a stream's items as JSON lines. */
export function registerTailCommand(
  program: Command,
  io: TailCommandIo = { stdout: process.stdout, stderr: process.stderr },
): Command {
  return program
    .command('tail')
    .description('print the items of a stream as JSON lines on stdout')
    .argument('<stream>', 'stream name or ARN', parseStreamName)
    .addOption(processorOption('json'))
    .addOption(
      new Option('--from <position>', 'where to start: trim-horizon, latest or an ISO 8601 time')
        .argParser(parseStartPosition)
        .default(parseStartPosition('latest'), 'latest'),
    )
    .option('-n, --limit <n>', 'stop after printing this many items', positiveIntegerFlag())
    .option(
      '--endpoint <url>',
      'Kinesis endpoint (default $AWS_ENDPOINT_URL_KINESIS, $AWS_ENDPOINT_URL, $KINESIS_ENDPOINT, else AWS)',
      parseEndpoint,
    )
    .option('--region <region>', 'AWS region (default from the AWS environment)', parseRegion)
    .option(
      '--efo <name>',
      'read with enhanced fan-out (SubscribeToShard) as this stream consumer, registered if missing',
      parseConsumerName,
    )
    .option('--deregister', 'with --efo: deregister the stream consumer when tail stops')
    .addHelpText('after', EXAMPLES)
    .action(async function (this: Command, stream: string, flags: TailFlags) {
      if (flags.deregister === true && flags.efo === undefined)
        this.error('error: --deregister needs --efo <name>');
      await runTail(stream, flags, io);
    });
}

/** JSON.stringify replacer: bytes as base64, bigints with all their digits, floats beyond 2^53 as floats. */
function jsonValue(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
  if (typeof value === 'bigint') return printedBigInt(value);
  if (typeof value === 'number') return printedNumber(value);
  return value;
}

/**
 * The printed form of one item: one line of JSON, in which every character a terminal would act
 * on (C1 controls such as an 8-bit CSI or OSC, DEL, bidi and other format marks, line
 * separators) is a JSON escape, as JSON.stringify writes the C0 controls: a record cannot drive
 * the terminal, reorder what it shows or look like two lines, and the line reads back the same.
 */
export function formatTailLine(item: KinesisItem<unknown>): string {
  const line: TailLine = {
    shardId: item.shardId,
    sequenceNumber: item.sequenceNumber,
    subSequenceNumber: item.subSequenceNumber,
    partitionKey: item.partitionKey,
    arrival: item.approximateArrivalTimestamp.toISOString(),
    // JSON has no undefined (msgpackr's `d4 00 00` reads as it): null, so that every line has
    // its `data`.
    data: item.data === undefined ? null : item.data,
  };
  return `${printableText(JSON.stringify(line, jsonValue))}\n`;
}

async function runTail(stream: string, flags: TailFlags, io: TailCommandIo): Promise<void> {
  const connection = cliConnection(flags);
  if (connection.notice !== undefined) io.stderr.write(connection.notice);
  const client = createKinesisClient(connection.options);
  // SubscribeToShard needs HTTP/2; the client above speaks HTTP/1.1 to an http:// endpoint.
  const subscriptionClient =
    flags.efo === undefined ? undefined : createSubscriptionClient(connection.options);
  try {
    const address = parseStreamAddress(stream, 'stream');
    await checkReachable(
      client,
      address,
      describeEndpoint(connection.options.endpoint, connection.options.region ?? address.region),
    );
    await ensureStream(client, address);
    const processor = flags.processor.create(true);
    const consumer = fromKinesis({
      streamName: stream,
      client,
      processor,
      iteratorType: flags.from.iteratorType,
      ...(flags.from.iteratorType === 'AT_TIMESTAMP' ? { timestamp: flags.from.timestamp } : {}),
      sleepTimeNoRecords: 1000,
      ...(flags.efo === undefined
        ? {}
        : {
            enhancedFanOut: {
              consumerName: flags.efo,
              ...(subscriptionClient ? { client: subscriptionClient } : {}),
            },
            deregisterOnStop: flags.deregister === true,
          }),
    });
    // A start time a little ahead (see StartPosition): the items that arrived before it are not
    // shown, nor counted for --limit, but pass on to checkpoint() as every item read does.
    const arrivedFrom = flags.from.iteratorType === 'AT_TIMESTAMP' ? flags.from.arrivedFrom : undefined;
    let printed = 0;
    // Waits for stdout to drain before the next item: a slow reader of the pipe pauses polling.
    const print = (item: KinesisItem<unknown>): Promise<KinesisItem<unknown>> =>
      new Promise((resolve) => {
        if (arrivedFrom !== undefined && item.approximateArrivalTimestamp < arrivedFrom) {
          resolve(item);
          return;
        }
        printed += 1;
        if (io.stdout.write(formatTailLine(item))) resolve(item);
        else io.stdout.once('drain', () => resolve(item));
      });
    const limit = flags.limit;
    let outputError: Error | undefined;
    await new Promise<void>((resolve, reject) => {
      const subscription = consumer
        .pipe(
          deserialize(processor, {
            // The error names the shard and sequence number: "skipped record (json) at shard ...".
            onDecodeError: (error) => {
              io.stderr.write(`skipped record ${error.message.replace(/^Cannot decode record /, '')}\n`);
            },
          }),
          concatMap(print),
          checkpoint(),
          limit === undefined ? identity : takeWhile(() => printed < limit, true),
        )
        .subscribe({ error: reject, complete: resolve });
      const stop = (): void => {
        subscription.unsubscribe();
        resolve();
      };
      // A closed pipe (`| head`) ends the tail quietly; another failure (a full disk) ends it
      // too, as a failure: it stops reading, as on Ctrl+C, rather than wait for a drain.
      const onOutputError = (error: Error): void => {
        if ((error as { code?: unknown }).code !== 'EPIPE') outputError ??= error;
        stop();
      };
      io.stdout.on?.('error', onOutputError);
      const onSignal = (): void => stop();
      if (io.handleSignals !== false) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      subscription.add(() => {
        io.stdout.off?.('error', onOutputError);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
    });
    await consumer.stopped();
    if (outputError !== undefined) {
      throw new Error(`cannot write to stdout: ${outputError.message}`, { cause: outputError });
    }
  } finally {
    subscriptionClient?.destroy();
    client.destroy();
  }
}

/** A stream consumer name (RegisterStreamConsumer's rule). */
function parseConsumerName(value: string): string {
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(value))
    throw new InvalidArgumentError('expected a stream consumer name: 1 to 128 of a-z A-Z 0-9 _ . -.');
  return value;
}
