import { constants } from 'node:os';
import type { Command } from 'commander';
import { redactText } from '../../errors/redact.js';
import { createKinesisClient } from '../../kinesis/createKinesisClient.js';
import { checkReachable } from '../checkReachable.js';
import { cliConnection } from '../cliConnection.js';
import { parseJsonExactly } from '../exactJson.js';
import { ensureStream } from '../../kinesis/ensureStream.js';
import { parseStreamAddress } from '../../kinesis/streamAddress.js';
import { describeEndpoint } from '../../producer/describeEndpoint.js';
import { jsonParseReason } from '../../processors/serializers/jsonParseReason.js';
import { inLineTerms } from '../inLineTerms.js';
import { inputLines } from '../inputLines.js';
import { refuseDirectoryInput } from '../inputStat.js';
import { Producer } from '../../producer/Producer.js';
import {
  parseEndpoint,
  parseFieldPath,
  processorOption,
  parseRegion,
  parseStreamName,
  parseRetryLimit,
  type ProcessorChoice,
} from '../parseFlags.js';
import { counted, formatCount } from '../plural.js';
import { createProgress, type ProgressStream } from '../progress.js';

/** Where the command reads and writes; replaceable in tests. */
export interface PutCommandIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stderr: ProgressStream;
  /**
   * Stop on SIGINT/SIGTERM: stop reading, deliver the lines read, print the summary; a second
   * signal exits at once (status 128 + the signal's number). Default true.
   */
  readonly handleSignals?: boolean;
}

interface PutFlags {
  readonly processor: ProcessorChoice;
  readonly partitionKeyField?: string[];
  readonly endpoint?: string;
  readonly region?: string;
  readonly retryLimit: number;
  readonly quiet?: boolean;
}

/** Failures printed one by one before the rest are only counted. */
const MAX_PRINTED_FAILURES = 20;

/**
 * Longest line read, in bytes: 16 times the largest record (a JSON line may shrink once written
 * again); the rest of a longer line is dropped as it arrives, so no input holds more memory.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const EXAMPLES = `
Each non-empty line of stdin is one item. With a JSON processor (the default) a line must be a JSON
value; with string or kplstring it is sent as it is. Progress and failures go to stderr; the exit
status is 1 if any line failed, 2 for bad flags.

Examples:
  cat events.jsonl | rxjs-kinesis put orders
  cat events.jsonl | rxjs-kinesis put orders --partition-key-field userId --processor kpljson
  tail -F app.log  | rxjs-kinesis put logs -p string --region eu-west-1
  rxjs-kinesis put orders --endpoint http://127.0.0.1:4567 < events.jsonl   # rxjs-kinesis local`;

/** Adds `rxjs-kinesis put <stream>`: writes stdin lines to a stream. */
export function registerPutCommand(
  program: Command,
  io: PutCommandIo = { stdin: process.stdin, stderr: process.stderr },
): Command {
  return program
    .command('put')
    .description('write lines from stdin to a stream, one item per line')
    .argument('<stream>', 'stream name or ARN', parseStreamName)
    .addOption(processorOption('json'))
    .option(
      '-k, --partition-key-field <field>',
      'take the partition key from this field of each JSON line (dotted path allowed); default a random key',
      parseFieldPath,
    )
    .option(
      '--endpoint <url>',
      'Kinesis endpoint (default $AWS_ENDPOINT_URL_KINESIS, $AWS_ENDPOINT_URL, $KINESIS_ENDPOINT, else AWS)',
      parseEndpoint,
    )
    .option('--region <region>', 'AWS region (default from the AWS environment)', parseRegion)
    .option(
      '--retry-limit <n>',
      'retries of a throttled or failed record before it counts as failed: an integer >= 0 (0: none), or infinity',
      parseRetryLimit,
      10,
    )
    .option('-q, --quiet', 'no progress, only failures and the summary')
    .addHelpText('after', EXAMPLES)
    .action(async (stream: string, flags: PutFlags) => {
      if (io.stdin === process.stdin) refuseDirectoryInput(0, 'stdin');
      const failed = await runPut(stream, flags, io);
      if (failed > 0) process.exitCode = 1;
    });
}

/** Reads the field at `path` of a parsed JSON line as a partition key. */
function keyFromField(value: unknown, path: readonly string[]): string {
  let current: unknown = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) {
      throw new Error(`field "${path.join('.')}" is missing`);
    }
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean' || typeof current === 'bigint') {
    return String(current);
  }
  throw new Error(
    `field "${path.join('.')}" is ${current === null ? 'null' : typeof current}, not a string or number`,
  );
}

function parseJsonLine(line: string): unknown {
  try {
    return parseJsonExactly(line);
  } catch (error) {
    // The reason and position only: V8 quotes the line, which may hold a secret (a log line's token).
    throw new Error(`not valid JSON (${jsonParseReason(error)})`);
  }
}

/** A line sent as a string (string, kplstring), parsed only to read its key field. */
function parseLineForKey(line: string, path: readonly string[]): unknown {
  try {
    return parseJsonExactly(line);
  } catch (error) {
    throw new Error(
      `the line is not JSON, so it has no field "${path.join('.')}" (${jsonParseReason(error)})`,
    );
  }
}

/** Writes every line; resolves with the number of lines that failed. */
async function runPut(stream: string, flags: PutFlags, io: PutCommandIo): Promise<number> {
  const connection = cliConnection(flags);
  const quiet = flags.quiet === true;
  if (connection.notice !== undefined && !quiet) io.stderr.write(connection.notice);
  const client = createKinesisClient(connection.options);
  const choice = flags.processor;
  const path = flags.partitionKeyField;
  const stringItems = choice.input === 'string';
  const lineOfIndex = new Map<number, number>();
  // Line numbers count every line; the summary, the lines read as items (empty ones are skipped).
  let lines = 0;
  let emptyLines = 0;
  let delivered = 0;
  let failed = 0;
  let printedFailures = 0;
  const fail = (lineNumber: number | undefined, error: unknown): void => {
    failed += 1;
    if (printedFailures >= MAX_PRINTED_FAILURES) return;
    printedFailures += 1;
    const where = lineNumber === undefined ? '' : `line ${lineNumber}: `;
    const text = error instanceof Error && lineNumber !== undefined ? inLineTerms(error.message) : undefined;
    const message =
      error instanceof Error
        ? error.name === 'Error'
          ? (text ?? error.message)
          : `${error.name}: ${text ?? error.message}`
        : String(error);
    io.stderr.write(`${where}${redactText(message)}\n`);
    if (printedFailures === MAX_PRINTED_FAILURES) io.stderr.write('(further failures are only counted)\n');
  };

  try {
    const address = parseStreamAddress(stream, 'stream');
    await checkReachable(
      client,
      address,
      describeEndpoint(connection.options.endpoint, connection.options.region ?? address.region),
    );
    await ensureStream(client, address);
    const producer = new Producer<unknown>({
      streamName: stream,
      client,
      processor: choice.create(true),
      retryLimit: flags.retryLimit,
      ...(path === undefined
        ? {}
        : {
            partitionKey: (item: unknown) =>
              keyFromField(stringItems ? parseLineForKey(item as string, path) : item, path),
          }),
    });
    const progress = quiet
      ? undefined
      : createProgress({
          stream: io.stderr,
          label: `put ${stream}`,
          unit: ['line delivered', 'lines delivered'],
          finalLine: false,
        });
    const reports = producer.reports$.subscribe((report) => {
      const lineNumber = lineOfIndex.get(report.index);
      lineOfIndex.delete(report.index);
      if (report.status === 'delivered') delivered += 1;
      else fail(lineNumber, report.error);
      progress?.update(delivered, failed > 0 ? `${failed} failed` : undefined);
    });
    // A terminal rather than a pipe: say what is awaited, or the command looks hung.
    if ((io.stdin as { isTTY?: boolean }).isTTY === true && !quiet) {
      io.stderr.write(`put ${stream}: type one item per line; Ctrl+D ends the input, Ctrl+C stops\n`);
    }
    const started = performance.now();
    let index = 0;
    const reading = new AbortController();
    const input = inputLines(io.stdin as AsyncIterable<Buffer | string>, {
      maxLineBytes: MAX_LINE_BYTES,
      signal: reading.signal,
    });
    // Ctrl+C (or SIGTERM) ends the input, as the end of stdin does: the lines read are still
    // delivered and counted. Only a second signal gives up on them.
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      const pending = lineOfIndex.size;
      if (stoppedBy !== undefined) {
        io.stderr.write(
          pending === 0
            ? `${signal} again: exiting\n`
            : `${signal} again: exiting without waiting for ${counted(pending, 'line')}\n`,
        );
        process.exit(128 + constants.signals[signal]);
      }
      stoppedBy = signal;
      io.stderr.write(
        pending === 0
          ? `${signal}: reading stopped; nothing left to deliver\n`
          : `${signal}: reading stopped; delivering the ${counted(pending, 'line')} not yet confirmed (again to exit at once)\n`,
      );
      reading.abort();
      // Destroyed, stdin is read no further: a writer that keeps it full would otherwise keep
      // the process reading, and alive, for good.
      (io.stdin as { destroy?: () => void }).destroy?.();
    };
    if (io.handleSignals !== false) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    try {
      for await (const line of input) {
        lines += 1;
        if (typeof line !== 'string') {
          fail(
            lines,
            new Error(
              `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (${counted(line.overlongBytes, 'byte')}); not sent`,
            ),
          );
          continue;
        }
        if (line.trim() === '') {
          emptyLines += 1;
          continue;
        }
        let item: unknown;
        try {
          item = stringItems ? line : parseJsonLine(line);
        } catch (error) {
          fail(lines, error);
          continue;
        }
        // The producer numbers every put() call, accepted or refused, from 0.
        lineOfIndex.set(index, lines);
        index += 1;
        try {
          await producer.put(item);
        } catch (error) {
          lineOfIndex.delete(index - 1);
          fail(lines, error);
        }
      }
      await producer.close().catch(() => undefined);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      reading.abort();
      await input.return(undefined);
      reports.unsubscribe();
      progress?.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    io.stderr.write(
      `put ${stream}: ${counted(lines - emptyLines, 'line')} read` +
        (emptyLines > 0 ? ` (${counted(emptyLines, 'empty line')} skipped)` : '') +
        `, ${formatCount(delivered)} delivered, ` +
        `${formatCount(failed)} failed in ${seconds.toFixed(1)} s\n`,
    );
    return failed;
  } finally {
    client.destroy();
  }
}
