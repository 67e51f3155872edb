import { createServer, type AddressInfo, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  DescribeStreamConsumerCommand,
  ListShardsCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import { Command, CommanderError } from 'commander';
import { DEFAULT_LOCAL_PORT, registerLocalCommand } from '../../../src/cli/commands/local.js';
import type { LocalKinesis } from '../../../src/local/startLocalKinesis.js';
import { EventReader, activeConsumer, http2Client, streamArnOf } from '../../local/fanOutClient.js';

function program(io: Parameters<typeof registerLocalCommand>[1], errors: string[]): Command {
  const root = new Command('rxjs-kinesis')
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text), writeOut: () => undefined });
  registerLocalCommand(root, io);
  return root;
}

/** Runs `rxjs-kinesis local` with `flags` until `use` is done; returns what it printed. */
async function withLocal(flags: string[], use: (local: LocalKinesis) => Promise<void>): Promise<string> {
  let output = '';
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let run: Promise<unknown> = Promise.resolve();
  const local = await new Promise<LocalKinesis>((resolve, reject) => {
    run = program({ write: (text) => (output += text), stopSignal: () => stopped, onStarted: resolve }, [])
      .parseAsync(['local', '--port', '0', ...flags], { from: 'user' })
      .catch(reject);
  });
  try {
    await use(local);
  } finally {
    stop();
    await run;
  }
  return output;
}

describe('rxjs-kinesis local', () => {
  it('starts in the foreground, prints how to connect, and stops on the stop signal', async () => {
    let output = '';
    let stop!: () => void;
    let exited!: Promise<void>;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const started = new Promise<LocalKinesis>((resolve) => {
      const run = program(
        { write: (text) => (output += text), stopSignal: () => stopped, onStarted: resolve },
        [],
      ).parseAsync(
        [
          'local',
          '--port',
          '0',
          '--limits',
          '--stream',
          'orders:2',
          '--stream',
          'audit',
          '--fault-rate',
          '0',
          '--seed',
          '9',
          '--black-hole-rate',
          '0.1',
          '--reset-after-write-rate',
          '0.2',
          '--stream-status-delay-ms',
          '0',
          '--shard-limit',
          '40',
        ],
        {
          from: 'user',
        },
      );
      exited = run.then(() => void (output += '[exited]'));
    });
    const local = await started;
    expect(output).toContain(`Local Kinesis listening on ${local.endpoint}`);
    expect(output).toContain(
      `AWS_ENDPOINT_URL_KINESIS=${local.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    );
    expect(output).toContain(`KINESIS_ENDPOINT=${local.endpoint}`);
    expect(output).toContain('black holes 0.1, resets after the write 0.2 (seed 9)');
    expect(output).toContain('CREATING/UPDATING/DELETING last 0 ms; account shard limit 40');
    expect(output).toContain('limits:      on');
    expect(output).toContain('orders (2 shards), audit (1 shard)');
    const client = local.createClient();
    expect((await client.send(new ListShardsCommand({ StreamName: 'orders' }))).Shards).toHaveLength(2);
    stop();
    // The command ends once its server is closed (a fixed pause could end first on a loaded machine).
    await exited;
    await expect(client.send(new ListShardsCommand({ StreamName: 'orders' }))).rejects.toThrow();
    client.destroy();
    expect(output).toContain('[exited]');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'already listens for %s when it prints "Press Ctrl+C": a signal sent at once closes the server',
    async (signal) => {
      // The command's own handlers only: the signal as it reaches them the moment the banner is
      // written (a supervisor that stops the server as soon as it is ready), before anything else runs.
      const before = new Set(process.listeners(signal));
      const deliver = (): void => {
        for (const listener of process.listeners(signal)) {
          if (!before.has(listener)) (listener as (name: NodeJS.Signals) => void)(signal);
        }
      };
      let output = '';
      let started: LocalKinesis | undefined;
      const run = program(
        {
          write: (text) => {
            output += text;
            if (text.includes('Press Ctrl+C to stop.')) deliver();
          },
          onStarted: (local) => (started = local),
        },
        [],
      ).parseAsync(['local', '--port', '0'], { from: 'user' });
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        run.then(() => 'stopped'),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('still running 20 s after the signal'), 20_000);
        }),
      ]).finally(() => clearTimeout(timer));
      if (outcome !== 'stopped') {
        await started?.close();
        for (const listener of process.listeners(signal)) {
          if (!before.has(listener)) process.off(signal, listener);
        }
      }
      expect(outcome).toBe('stopped');
      expect(output).toMatch(/Stopping local Kinesis\.\.\.\n$/);
      // Nothing is left listening once it stopped.
      expect(process.listeners(signal).filter((listener) => !before.has(listener))).toEqual([]);
    },
    30_000,
  );

  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--fault-rate', '1.5']],
    [['--internal-failure-rate', '-0.1']],
    [['--latency-ms', 'soon']],
    [['--black-hole-rate', '2']],
    [['--shard-limit', '0']],
    [['--stream-status-delay-ms', '-5']],
    [['--consumer-status-delay-ms', '-1']],
    [['--consumer-status-delay-ms', '60001']],
    [['--max-consumers-per-stream', '0']],
    [['--max-consumers-per-stream', 'many']],
    [['--subscription-lifetime-ms', '0']],
    [['--subscription-lifetime-ms', '1.5']],
    [['--idle-event-interval-ms', '0']],
    [['--idle-event-interval-ms', '86400001']],
    [['--seed', '4294967296']],
    [['--seed', '-2147483649']],
    [['--stream', 'bad name:2']],
    [['--stream', 'orders:0']],
    [['--stream', 'a:1', '--stream', 'a:2']],
    [['--no-such-flag']],
    // One of the two used to win silently (CORS off).
    [['--no-cors', '--cors-origin', 'http://localhost:4200']],
  ])('refuses %j with a one-line error', async (flags) => {
    const errors: string[] = [];
    const error = await program({ write: () => undefined, stopSignal: async () => undefined }, errors)
      .parseAsync(['local', ...flags], { from: 'user' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).not.toBe(0);
    expect(errors[0]!.trim().split('\n')).toHaveLength(1);
  });

  it.each(['4294967295', '-2147483648'])('takes --seed %s, an end of its range', async (seed) => {
    const output = await withLocal(['--fault-rate', '0.1', '--seed', seed], async () => undefined);
    expect(output).toContain(`(seed ${seed})`);
  });

  it('exits with status 2 naming the shard limit and the flag that raises it when the streams pass it', async () => {
    const errors: string[] = [];
    const error = await program({ write: () => undefined, stopSignal: async () => undefined }, errors)
      .parseAsync(['local', '--port', '0', '--stream', 'small:3', '--stream', 'big:600'], { from: 'user' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).toBe(2);
    expect(errors).toEqual([
      'error: the streams asked for have 603 shards in all, more than the account shard limit of 500; ' +
        'raise it with --shard-limit 603.\n',
    ]);
  });

  it('exits with status 2 naming the port when it is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const errors: string[] = [];
    try {
      const error = await program({ write: () => undefined, stopSignal: async () => undefined }, errors)
        .parseAsync(['local', '--port', String(port)], { from: 'user' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommanderError);
      expect((error as CommanderError).exitCode).toBe(2);
      expect(errors.join('')).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('says the busy port is the default one when --port was not given, and which flag picks another', async () => {
    // Hold the default port, unless something on this machine already does: busy either way.
    const blocker: Server = createServer();
    const held = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(DEFAULT_LOCAL_PORT, '127.0.0.1', () => resolve(true));
    });
    const errors: string[] = [];
    try {
      const error = await program({ write: () => undefined, stopSignal: async () => undefined }, errors)
        .parseAsync(['local'], { from: 'user' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommanderError);
      expect((error as CommanderError).exitCode).toBe(2);
      expect(errors).toEqual([
        `error: port ${DEFAULT_LOCAL_PORT} on 127.0.0.1 is already in use (the default port); ` +
          'choose another with --port <n>, or --port 0 for a free one.\n',
      ]);
    } finally {
      if (held) await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  // IPv6 only where this machine has its loopback.
  const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((item) => item.address === '::1'),
  );
  it.each([['0.0.0.0', '127.0.0.1'], ...(hasIpv6Loopback ? [['::', '[::1]']] : [])])(
    'with --host %s it says it listens on every interface and prints an endpoint a client here can use (%s)',
    async (host, loopback) => {
      let endpoint = '';
      const output = await withLocal(['--host', host, '--stream', 'orders:1'], async (local) => {
        endpoint = local.endpoint;
        const client = local.createClient();
        try {
          const shards = await client.send(new ListShardsCommand({ StreamName: 'orders' }));
          expect(shards.Shards).toHaveLength(1);
        } finally {
          client.destroy();
        }
      });
      const port = new URL(endpoint).port;
      // startLocalKinesis() and the command line name the same endpoint.
      expect(endpoint).toBe(`http://${loopback}:${port}`);
      expect(output).toContain(`Local Kinesis listening on all interfaces (${host}), port ${port}\n`);
      expect(output).toContain(`  endpoint:    http://${loopback}:${port} `);
      expect(output).toContain(`AWS_ENDPOINT_URL_KINESIS=http://${loopback}:${port} `);
      expect(output).toContain(`KINESIS_ENDPOINT=http://${loopback}:${port};`);
    },
  );

  it('passes the enhanced fan-out flags on: consumer status delay and consumers per stream', async () => {
    const output = await withLocal(
      [
        '--stream',
        'orders:1',
        '--stream-status-delay-ms',
        '0',
        '--consumer-status-delay-ms',
        '60000',
        '--max-consumers-per-stream',
        '1',
      ],
      async (local) => {
        const client = http2Client(local);
        try {
          const streamArn = await streamArnOf(client, 'orders');
          const first = await client.send(
            new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'first' }),
          );
          // Streams are instant here; only the consumer delay can keep it CREATING.
          const described = await client.send(
            new DescribeStreamConsumerCommand({ ConsumerARN: first.Consumer!.ConsumerARN! }),
          );
          expect(described.ConsumerDescription?.ConsumerStatus).toBe('CREATING');
          await expect(
            client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'second' })),
          ).rejects.toMatchObject({ name: 'LimitExceededException' });
        } finally {
          client.destroy();
        }
      },
    );
    expect(output).toContain('fan-out:     consumers CREATING/DELETING last 60000 ms, at most 1 per stream;');
  });

  it('passes the enhanced fan-out flags on: subscription lifetime and idle event interval', async () => {
    const output = await withLocal(
      [
        '--stream',
        'orders:1',
        '--consumer-status-delay-ms',
        '0',
        '--subscription-lifetime-ms',
        '3000',
        '--idle-event-interval-ms',
        '100',
      ],
      async (local) => {
        const client = http2Client(local);
        try {
          const consumerArn = await activeConsumer(client, 'orders', 'reader');
          const reader = await EventReader.subscribe(client, consumerArn, 'shardId-000000000000', {
            Type: 'LATEST',
          });
          // With the defaults (5 minutes, an idle event every 5 s) the first read after the
          // first event would time out instead of ending.
          let events = 0;
          for (;;) {
            const outcome = await reader.next(60_000);
            if (outcome.kind === 'end') break;
            expect(outcome.kind).toBe('event');
            events += 1;
          }
          expect(events).toBeGreaterThanOrEqual(2);
        } finally {
          client.destroy();
        }
      },
    );
    expect(output).toContain('subscriptions last 3000 ms, an idle shard sends an event every 100 ms');
  });
});
