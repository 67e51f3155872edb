import { Command, InvalidArgumentError } from 'commander';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { isAllInterfaces } from '../../local/connectableEndpoint.js';
import { LocalShardLimitError } from '../../local/errors/LocalShardLimitError.js';
import { localOptionMessage, shardLimitMessage } from './localStartErrors.js';
import { counted } from '../plural.js';
import type { LocalKinesisCors } from '../../local/cors.js';
import {
  DEFAULT_IDLE_EVENT_INTERVAL_MS,
  DEFAULT_MAX_CONSUMERS_PER_STREAM,
  DEFAULT_SUBSCRIPTION_LIFETIME_MS,
  type LocalFanOutOptions,
} from '../../local/efo/LocalFanOutOptions.js';
import { startLocalKinesis, type LocalKinesis } from '../../local/startLocalKinesis.js';
import type { LocalKinesisFaults } from '../../local/LocalKinesisFaults.js';
import { DEFAULT_SHARD_LIMIT, DEFAULT_STREAM_STATUS_DELAY_MS } from '../../local/LocalKinesisOptions.js';
import type { LocalStreamSpec } from '../../local/LocalStreamSpec.js';

/** Where the command writes and which signals stop it; replaceable in tests. */
export interface LocalCommandIo {
  readonly write: (text: string) => void;
  /** Resolves when the server should stop. Default: the first SIGINT or SIGTERM. */
  readonly stopSignal?: () => Promise<void>;
  /** Called once the server listens. */
  readonly onStarted?: (local: LocalKinesis) => void;
}

interface LocalCommandFlags {
  readonly port: number;
  readonly host: string;
  readonly region: string;
  readonly limits?: boolean;
  readonly faultRate?: number;
  readonly internalFailureRate?: number;
  readonly serverErrorRate?: number;
  readonly connectionResetRate?: number;
  readonly blackHoleRate?: number;
  readonly resetAfterWriteRate?: number;
  readonly latencyMs?: number;
  readonly streamStatusDelayMs?: number;
  readonly shardLimit?: number;
  readonly consumerStatusDelayMs?: number;
  readonly maxConsumersPerStream?: number;
  readonly subscriptionLifetimeMs?: number;
  readonly idleEventIntervalMs?: number;
  readonly seed?: number;
  readonly stream?: LocalStreamSpec[];
  /** False with --no-cors. */
  readonly cors: boolean;
  readonly corsOrigin?: string[];
}

export const DEFAULT_LOCAL_PORT = 4567;

const EXAMPLES = `
It prints the endpoint and a line of AWS variables to paste (the AWS SDKs, the AWS CLI, boto3 and
rxjs-kinesis read them). Ctrl+C or SIGTERM stops it (status 0).

Examples:
  rxjs-kinesis local --stream orders:2                     # port 4567, no limits, no faults
  rxjs-kinesis local --limits --stream orders:4 --port 0   # AWS's per-shard limits, a free port
  rxjs-kinesis local --fault-rate 0.05 --seed 42           # 5 % internal failures, 500s and resets
  rxjs-kinesis local --cors-origin http://localhost:4200   # only this browser origin may call it`;
const DAY_MS = 24 * 60 * 60 * 1000;

function collectOrigin(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** CORS for browser pages: on for any origin unless --no-cors or --cors-origin says otherwise. */
function corsOption(flags: LocalCommandFlags): LocalKinesisCors {
  if (!flags.cors) return false;
  return flags.corsOrigin === undefined ? true : { origins: flags.corsOrigin };
}

function describeCors(cors: LocalKinesisCors): string {
  if (cors === false) return 'off';
  return cors === true ? 'any origin (browser pages may call it)' : cors.origins.join(', ');
}

/** The enhanced fan-out settings given on the command line (none: the server's defaults). */
function fanOutOption(flags: LocalCommandFlags): LocalFanOutOptions {
  return {
    ...(flags.consumerStatusDelayMs === undefined
      ? {}
      : { consumerStatusDelayMs: flags.consumerStatusDelayMs }),
    ...(flags.maxConsumersPerStream === undefined
      ? {}
      : { maxConsumersPerStream: flags.maxConsumersPerStream }),
    ...(flags.subscriptionLifetimeMs === undefined
      ? {}
      : { subscriptionLifetimeMs: flags.subscriptionLifetimeMs }),
    ...(flags.idleEventIntervalMs === undefined ? {} : { idleEventIntervalMs: flags.idleEventIntervalMs }),
  };
}

function describeFanOut(flags: LocalCommandFlags): string {
  const statusDelay =
    flags.consumerStatusDelayMs ?? flags.streamStatusDelayMs ?? DEFAULT_STREAM_STATUS_DELAY_MS;
  const consumers = flags.maxConsumersPerStream ?? DEFAULT_MAX_CONSUMERS_PER_STREAM;
  return (
    `consumers CREATING/DELETING last ${statusDelay} ms, at most ${consumers} per stream; ` +
    `subscriptions last ${flags.subscriptionLifetimeMs ?? DEFAULT_SUBSCRIPTION_LIFETIME_MS} ms, ` +
    `an idle shard sends an event every ${flags.idleEventIntervalMs ?? DEFAULT_IDLE_EVENT_INTERVAL_MS} ms`
  );
}

function integerFlag(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

function rateFlag(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new InvalidArgumentError('expected a rate from 0 to 1, e.g. 0.05.');
  }
  return rate;
}

/** Parses `name:shards` (shards defaults to 1) and adds it to the list given so far. */
export function parseStreamFlag(value: string, previous: LocalStreamSpec[] = []): LocalStreamSpec[] {
  const match = /^([a-zA-Z0-9_.-]{1,128})(?::(\d+))?$/.exec(value);
  const shards = match?.[2] === undefined ? 1 : Number(match[2]);
  if (match === null || !Number.isInteger(shards) || shards < 1 || shards > 1000) {
    throw new InvalidArgumentError(
      'expected name:shards, e.g. orders:2 (name: 1-128 of a-z A-Z 0-9 _ . -; shards: 1 to 1000).',
    );
  }
  if (previous.some((stream) => stream.name === match[1])) {
    throw new InvalidArgumentError(`stream ${match[1]} is listed twice.`);
  }
  return [...previous, { name: match[1]!, shards }];
}

/** The first SIGINT or SIGTERM; `dispose` stops listening. */
function listenForSignals(): { readonly stopped: Promise<void>; dispose(): void } {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** Adds `rxjs-kinesis local`: an embedded Kinesis in the foreground, with optional limits and faults. */
export function registerLocalCommand(
  program: Command,
  io: LocalCommandIo = { write: (text) => process.stdout.write(text) },
): Command {
  return program
    .command('local')
    .description('run a local Kinesis endpoint (kinesalite) with real Kinesis limits and fault injection')
    .option('--port <n>', 'port to listen on (0 = a free port)', integerFlag(0, 65535), DEFAULT_LOCAL_PORT)
    .option('--host <address>', 'address to listen on (0.0.0.0 or :: for every interface)', '127.0.0.1')
    .option('--region <region>', 'region the endpoint reports', 'us-east-1')
    .option('--limits', 'enforce per-shard rates, request sizes and control-plane call rates as AWS does')
    .option(
      '--fault-rate <r>',
      'default of --internal-failure-rate, --server-error-rate and --connection-reset-rate (0..1)',
      rateFlag,
    )
    .option(
      '--internal-failure-rate <r>',
      'share of PutRecords entries failed with InternalFailure',
      rateFlag,
    )
    .option('--server-error-rate <r>', 'share of requests answered with HTTP 500 InternalFailure', rateFlag)
    .option('--connection-reset-rate <r>', 'share of requests whose connection is dropped', rateFlag)
    .option('--black-hole-rate <r>', 'share of requests read and never answered', rateFlag)
    .option(
      '--reset-after-write-rate <r>',
      'share of requests carried out whose connection is then dropped unanswered',
      rateFlag,
    )
    .option('--latency-ms <n>', 'latency added to every request', integerFlag(0, 60_000))
    .option(
      '--seed <n>',
      'seed of the fault generator, a 32-bit integer (same seed, same faults)',
      integerFlag(-(2 ** 31), 2 ** 32 - 1),
    )
    .option('--stream <name:shards>', 'stream to create at start (repeatable)', parseStreamFlag)
    .option(
      '--stream-status-delay-ms <n>',
      `how long a stream stays CREATING, UPDATING or DELETING (default: ${DEFAULT_STREAM_STATUS_DELAY_MS})`,
      integerFlag(0, 60_000),
    )
    .option(
      '--shard-limit <n>',
      `most open shards over all streams (default: ${DEFAULT_SHARD_LIMIT})`,
      integerFlag(1, 100_000),
    )
    .option(
      '--consumer-status-delay-ms <n>',
      'enhanced fan-out: how long a stream consumer stays CREATING or DELETING (default: --stream-status-delay-ms)',
      integerFlag(0, 60_000),
    )
    .option(
      '--max-consumers-per-stream <n>',
      `enhanced fan-out: most registered consumers per stream (default: ${DEFAULT_MAX_CONSUMERS_PER_STREAM})`,
      integerFlag(1, 10_000),
    )
    .option(
      '--subscription-lifetime-ms <n>',
      `enhanced fan-out: how long a SubscribeToShard subscription lasts (default: ${DEFAULT_SUBSCRIPTION_LIFETIME_MS}, 5 minutes)`,
      integerFlag(1, DAY_MS),
    )
    .option(
      '--idle-event-interval-ms <n>',
      `enhanced fan-out: longest gap between two events on an idle shard (default: ${DEFAULT_IDLE_EVENT_INTERVAL_MS})`,
      integerFlag(1, DAY_MS),
    )
    .option(
      '--cors-origin <origin>',
      'let only this browser origin call the endpoint (repeatable)',
      collectOrigin,
    )
    .option('--no-cors', 'refuse cross-origin calls from browser pages (default: any origin may call)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: LocalCommandFlags, command: Command) => {
      if (!flags.cors && flags.corsOrigin !== undefined) {
        // One would silently win: say which to drop.
        command.error('error: --cors-origin cannot be used with --no-cors (give one of them)', {
          exitCode: 2,
          code: 'rxjs-kinesis.conflictingFlags',
        });
      }
      const faults: LocalKinesisFaults = {
        internalFailureRate: flags.internalFailureRate ?? flags.faultRate ?? 0,
        serverErrorRate: flags.serverErrorRate ?? flags.faultRate ?? 0,
        connectionResetRate: flags.connectionResetRate ?? flags.faultRate ?? 0,
        blackHoleRate: flags.blackHoleRate ?? 0,
        resetAfterWriteRate: flags.resetAfterWriteRate ?? 0,
        latencyMs: flags.latencyMs ?? 0,
        seed: flags.seed ?? 1,
      };
      // Listening before anything starts: a signal sent as soon as "Press Ctrl+C" shows (or during
      // the start) closes the server instead of killing the process.
      const signals = io.stopSignal === undefined ? listenForSignals() : undefined;
      let stopRequested = false;
      const stopped = (io.stopSignal?.() ?? signals!.stopped).then(() => {
        stopRequested = true;
      });
      let local: LocalKinesis;
      try {
        local = await startLocalKinesis({
          port: flags.port,
          host: flags.host,
          region: flags.region,
          limits: flags.limits === true,
          faults,
          streams: flags.stream ?? [],
          ...(flags.streamStatusDelayMs === undefined
            ? {}
            : { streamStatusDelayMs: flags.streamStatusDelayMs }),
          ...(flags.shardLimit === undefined ? {} : { shardLimit: flags.shardLimit }),
          cors: corsOption(flags),
          efo: fanOutOption(flags),
        });
      } catch (error) {
        signals?.dispose();
        if (error instanceof InvalidOptionError) {
          command.error(
            `error: ${localOptionMessage(error, flags.host, command.getOptionValueSource('port') === 'default')}`,
            {
              exitCode: 2,
              code: 'rxjs-kinesis.invalidOption',
            },
          );
        }
        if (error instanceof LocalShardLimitError) {
          command.error(`error: ${shardLimitMessage(error, flags.stream ?? [])}`, {
            exitCode: 2,
            code: 'rxjs-kinesis.shardLimit',
          });
        }
        throw error;
      }
      if (!stopRequested) io.write(describe(local, flags, faults));
      io.onStarted?.(local);
      await stopped;
      io.write('Stopping local Kinesis...\n');
      await local.close();
    });
}

/**
 * Where it listens. On every interface (0.0.0.0, ::) the endpoint printed is the loopback, which a
 * client here can connect to; other machines use this machine's address.
 */
function listeningLines(local: LocalKinesis, host: string): string[] {
  if (!isAllInterfaces(host)) return [`Local Kinesis listening on ${local.endpoint}`];
  const port = new URL(local.endpoint).port;
  return [
    `Local Kinesis listening on all interfaces (${host}), port ${port}`,
    `  endpoint:    ${local.endpoint} (from another machine: http://<this machine's address>:${port})`,
  ];
}

function describe(local: LocalKinesis, flags: LocalCommandFlags, faults: LocalKinesisFaults): string {
  const { accessKeyId, secretAccessKey } = local.credentials;
  const faultParts = [
    faults.internalFailureRate ? `internal failures ${faults.internalFailureRate}` : '',
    faults.serverErrorRate ? `500s ${faults.serverErrorRate}` : '',
    faults.connectionResetRate ? `connection resets ${faults.connectionResetRate}` : '',
    faults.blackHoleRate ? `black holes ${faults.blackHoleRate}` : '',
    faults.resetAfterWriteRate ? `resets after the write ${faults.resetAfterWriteRate}` : '',
    faults.latencyMs ? `latency ${faults.latencyMs} ms` : '',
  ].filter((part) => part !== '');
  const lines = [
    ...listeningLines(local, flags.host),
    `  region:      ${local.region}`,
    `  credentials: accessKeyId=${accessKeyId} secretAccessKey=${secretAccessKey}`,
    `  limits:      ${flags.limits === true ? 'on (AWS per-shard rates, request sizes, control-plane call rates)' : 'off'}`,
    `  cors:        ${describeCors(corsOption(flags))}`,
    `  faults:      ${faultParts.length === 0 ? 'none' : `${faultParts.join(', ')} (seed ${faults.seed})`}`,
    `  streams:     ${
      flags.stream === undefined
        ? 'none'
        : flags.stream.map((stream) => `${stream.name} (${counted(stream.shards, 'shard')})`).join(', ')
    }`,
    '',
    `  fan-out:     ${describeFanOut(flags)}`,
    `  status:      CREATING/UPDATING/DELETING last ${flags.streamStatusDelayMs ?? DEFAULT_STREAM_STATUS_DELAY_MS} ms; account shard limit ${flags.shardLimit ?? DEFAULT_SHARD_LIMIT}`,
    '',
    'Use it with (the AWS SDKs, the AWS CLI and rxjs-kinesis read these):',
    // boto3 and AWS CLI v1 take the region from AWS_DEFAULT_REGION only.
    `  AWS_ENDPOINT_URL_KINESIS=${local.endpoint} AWS_REGION=${local.region} AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey} AWS_DEFAULT_REGION=${local.region}`,
    `rxjs-kinesis also reads KINESIS_ENDPOINT=${local.endpoint}; its CLI needs no credentials for a local endpoint.`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ];
  return lines.join('\n');
}
