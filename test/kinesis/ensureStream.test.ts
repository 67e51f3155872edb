import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { ensureStream } from '../../src/kinesis/ensureStream.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { AccessDeniedError } from '../../src/kinesis/errors/AccessDeniedError.js';
import { StreamNotActiveError } from '../../src/kinesis/errors/StreamNotActiveError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { parseStreamAddress } from '../../src/kinesis/streamAddress.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

describe('ensureStream against local Kinesis', () => {
  let kinesis: TestKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    kinesis = await startTestKinesis();
    client = kinesis.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await kinesis.close();
  });

  it('creates a missing stream and waits until it is ACTIVE', async () => {
    const name = uniqueStreamName('ensure');
    const summary = await ensureStream(client, parseStreamAddress(name), {
      create: true,
      shardCount: 3,
      pollIntervalMs: 10,
    });
    expect(summary).toEqual({
      streamName: name,
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
      status: 'ACTIVE',
      openShardCount: 3,
      onDemand: false,
    });
    const described = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(described.StreamDescriptionSummary?.OpenShardCount).toBe(3);
  });

  it('describes an existing stream without creating it', async () => {
    const name = uniqueStreamName('existing');
    await kinesis.createStream(name, 2);
    const summary = await ensureStream(client, parseStreamAddress(name));
    expect(summary.status).toBe('ACTIVE');
    expect(summary.openShardCount).toBe(2);
  });

  it('lets two concurrent creators both succeed on one stream', async () => {
    const name = uniqueStreamName('race');
    const address = parseStreamAddress(name);
    const creates: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { ShardCount?: number }).ShardCount !== undefined) creates.push(name);
        return next(args);
      },
      { step: 'initialize', name: 'countCreates' },
    );
    try {
      const [a, b] = await Promise.all([
        ensureStream(client, address, { create: true, shardCount: 2, pollIntervalMs: 10 }),
        ensureStream(client, address, { create: true, shardCount: 2, pollIntervalMs: 10 }),
      ]);
      expect(a.status).toBe('ACTIVE');
      expect(b.status).toBe('ACTIVE');
      expect(a.streamArn).toBe(b.streamArn);
      // Both tried to create it; one of them got ResourceInUseException and carried on.
      expect(creates).toHaveLength(2);
    } finally {
      client.middlewareStack.remove('countCreates');
    }
  });

  it('throws StreamNotFoundError for a missing stream without create', async () => {
    const name = uniqueStreamName('missing');
    const error = await ensureStream(client, parseStreamAddress(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).retriable).toBe(false);
    expect((error as StreamNotFoundError).context.streamName).toBe(name);
  });

  it('addresses a stream by ARN, sending StreamARN', async () => {
    const name = uniqueStreamName('arn');
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
    const inputs: Array<Record<string, unknown>> = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        inputs.push({ ...(args.input as Record<string, unknown>) });
        return next(args);
      },
      { step: 'initialize', name: 'recordInputs' },
    );
    try {
      const summary = await ensureStream(client, parseStreamAddress(arn), {
        create: true,
        pollIntervalMs: 10,
      });
      expect(summary.streamArn).toBe(arn);
      expect(summary.streamName).toBe(name);
      expect(summary.openShardCount).toBe(1);
    } finally {
      client.middlewareStack.remove('recordInputs');
    }
    const describes = inputs.filter((input) => input.ShardCount === undefined);
    expect(describes.length).toBeGreaterThan(0);
    for (const input of describes) expect(input.StreamARN).toBe(arn);
  });
});

/** A stand-in for states kinesalite cannot produce (ON_DEMAND, a stream stuck in CREATING, DELETING). */
function scriptedClient(handle: (command: object) => unknown): { client: KinesisClient; sent: object[] } {
  const sent: object[] = [];
  const client = {
    send: async (command: object) => {
      sent.push(command);
      return handle(command);
    },
  } as unknown as KinesisClient;
  return { client, sent };
}

const notFound = () =>
  new ResourceNotFoundException({ message: 'not found', $metadata: { httpStatusCode: 400 } });

describe('ensureStream with a scripted client', () => {
  it('creates ON_DEMAND streams without a ShardCount', async () => {
    let created = false;
    const { client, sent } = scriptedClient((command) => {
      if (command instanceof CreateStreamCommand) {
        created = true;
        return {};
      }
      if (!created) throw notFound();
      return {
        StreamDescriptionSummary: {
          StreamName: 'od',
          StreamARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/od',
          StreamStatus: 'ACTIVE',
          OpenShardCount: 4,
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        },
      };
    });
    const summary = await ensureStream(client, parseStreamAddress('od'), {
      create: true,
      onDemand: true,
      sleep: async () => undefined,
    });
    expect(summary.onDemand).toBe(true);
    const create = sent.find((c) => c instanceof CreateStreamCommand) as CreateStreamCommand;
    expect(create.input).toEqual({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
  });

  it('treats UPDATING as usable', async () => {
    const { client } = scriptedClient(() => ({
      StreamDescriptionSummary: {
        StreamName: 'u',
        StreamARN: 'arn',
        StreamStatus: 'UPDATING',
        OpenShardCount: 2,
      },
    }));
    await expect(ensureStream(client, parseStreamAddress('u'))).resolves.toMatchObject({
      status: 'UPDATING',
    });
  });

  it('times out with StreamNotActiveError on the injected clock', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const { client, sent } = scriptedClient(() => ({
      StreamDescriptionSummary: { StreamName: 'slow', StreamStatus: 'CREATING', OpenShardCount: 0 },
    }));
    const error = await ensureStream(client, parseStreamAddress('slow'), {
      timeoutMs: 1000,
      pollIntervalMs: 300,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotActiveError);
    expect((error as StreamNotActiveError).status).toBe('CREATING');
    expect((error as StreamNotActiveError).message).toMatch(/within 1000 ms.*CREATING/);
    expect(sleeps).toEqual([300, 300, 300, 100]);
    expect(sent).toHaveLength(5);
  });

  it('fails with the ConnectionError once connection failures outlast connectionFailureTimeoutMs', async () => {
    let clock = 0;
    const refused = () =>
      Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'), {
        $metadata: { attempts: 1 },
      });
    const { client, sent } = scriptedClient(() => {
      throw refused();
    });
    const error = await ensureStream(client, parseStreamAddress('gone'), {
      connectionFailureTimeoutMs: 3000,
      pollIntervalMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain('ECONNREFUSED 127.0.0.1:9');
    expect((error as ConnectionError).context.streamName).toBe('gone');
    // Failing since t=0: the attempt at t=3000 is the last one.
    expect(clock).toBe(3000);
    expect(sent).toHaveLength(4);
  });

  it('counts connection failures again from zero after any answer', async () => {
    let clock = 0;
    let calls = 0;
    const { client } = scriptedClient(() => {
      calls += 1;
      // Refused, refused, then a throttled answer, then refused until the end.
      if (calls === 3) {
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'LimitExceededException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    });
    const error = await ensureStream(client, parseStreamAddress('flaky'), {
      connectionFailureTimeoutMs: 2500,
      pollIntervalMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    // Failures at 0 and 1000, an answer at 2000, failing again from 3000: gives up at 6000.
    expect(clock).toBe(6000);
  });

  it('with connectionFailureTimeoutMs Infinity waits out timeoutMs', async () => {
    let clock = 0;
    const { client } = scriptedClient(() => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    });
    const error = await ensureStream(client, parseStreamAddress('x'), {
      connectionFailureTimeoutMs: Number.POSITIVE_INFINITY,
      timeoutMs: 5000,
      pollIntervalMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotActiveError);
    expect((error as StreamNotActiveError).cause).toBeInstanceOf(ConnectionError);
  });

  it('retries throttled describes until they succeed', async () => {
    let calls = 0;
    const { client } = scriptedClient(() => {
      calls += 1;
      if (calls < 3) {
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'LimitExceededException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { StreamDescriptionSummary: { StreamName: 't', StreamStatus: 'ACTIVE', OpenShardCount: 1 } };
    });
    const summary = await ensureStream(client, parseStreamAddress('t'), { sleep: async () => undefined });
    expect(summary.status).toBe('ACTIVE');
    expect(calls).toBe(3);
  });

  it('waits out a DELETING stream and creates it again when create is set', async () => {
    const states = ['DELETING', 'DELETING', 'GONE', 'CREATING', 'ACTIVE'];
    let index = 0;
    const { client, sent } = scriptedClient((command) => {
      if (command instanceof CreateStreamCommand) return {};
      const state = states[Math.min(index++, states.length - 1)];
      if (state === 'GONE') throw notFound();
      return { StreamDescriptionSummary: { StreamName: 'd', StreamStatus: state, OpenShardCount: 1 } };
    });
    const summary = await ensureStream(client, parseStreamAddress('d'), {
      create: true,
      sleep: async () => undefined,
    });
    expect(summary.status).toBe('ACTIVE');
    expect(sent.filter((c) => c instanceof CreateStreamCommand)).toHaveLength(1);
    expect(sent.some((c) => c instanceof DeleteStreamCommand)).toBe(false);
  });

  it('fails fast on errors that are not retriable', async () => {
    const { client, sent } = scriptedClient(() => {
      throw Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'UnrecognizedClientException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    });
    const sleep = jest.fn(async () => undefined);
    await expect(
      ensureStream(client, parseStreamAddress('x'), { create: true, sleep }),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    expect(sent).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('does not wait for a DELETING stream without create', async () => {
    const { client } = scriptedClient(() => ({
      StreamDescriptionSummary: { StreamName: 'd', StreamStatus: 'DELETING' },
    }));
    const error = await ensureStream(client, parseStreamAddress('d')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotActiveError);
    expect((error as StreamNotActiveError).retriable).toBe(false);
  });

  it.each([
    [{ shardCount: 0 }, 'shardCount'],
    [{ shardCount: 10_001 }, 'shardCount'],
    [{ shardCount: 1.5 }, 'shardCount'],
    [{ onDemand: true, shardCount: 2 }, 'shardCount'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: Number.NaN }, 'timeoutMs'],
    [{ pollIntervalMs: -1 }, 'pollIntervalMs'],
    [{ create: 'yes' as unknown as boolean }, 'create'],
    [{ connectionFailureTimeoutMs: -1 }, 'connectionFailureTimeoutMs'],
    [{ sleep: 1 as unknown as () => Promise<void> }, 'sleep'],
  ])('rejects %p before any request', async (options, option) => {
    const { client, sent } = scriptedClient(() => ({}));
    await expect(ensureStream(client, parseStreamAddress('v'), options)).rejects.toThrow(InvalidOptionError);
    await expect(ensureStream(client, parseStreamAddress('v'), options)).rejects.toThrow(`"${option}"`);
    expect(sent).toHaveLength(0);
  });
});
