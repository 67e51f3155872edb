import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { DEFAULT_LIMITS } from '../../src/local/LocalKinesisLimits.js';
import { resolveLocalKinesisOptions, type LocalKinesisOptions } from '../../src/local/LocalKinesisOptions.js';
import { startLocalKinesis } from '../../src/local/startLocalKinesis.js';

function optionError(options: unknown): InvalidOptionError {
  try {
    resolveLocalKinesisOptions(options as LocalKinesisOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`);
}

describe('local Kinesis options', () => {
  it('fills in the defaults', () => {
    const resolved = resolveLocalKinesisOptions({ limits: true, streams: { orders: 2 } });
    expect(resolved).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      region: 'us-east-1',
      limits: DEFAULT_LIMITS,
    });
    expect(resolved.streams).toEqual([{ name: 'orders', shards: 2 }]);
    expect(resolved.faults).toEqual({
      internalFailureRate: 0,
      serverErrorRate: 0,
      connectionResetRate: 0,
      blackHoleRate: 0,
      resetAfterWriteRate: 0,
      subscriptionDropRate: 0,
      silentSubscriptionRate: 0,
      latencyMs: 0,
      seed: 1,
    });
    expect(resolved.streamStatusDelayMs).toBe(100);
    expect(resolved.efo).toEqual({
      consumerStatusDelayMs: 100,
      maxConsumersPerStream: 20,
      subscriptionLifetimeMs: 300_000,
      idleEventIntervalMs: 5000,
      pollIntervalMs: 50,
      takeoverAfterMs: 5000,
    });
    expect(DEFAULT_LIMITS.fanOutBytesPerSecond).toBe(2 * 1024 * 1024);
    expect(DEFAULT_LIMITS.subscribeToShardCallsPerSecond).toBe(1);
    expect(resolved.shardLimit).toBe(500);
    expect(resolveLocalKinesisOptions({}).limits).toBeUndefined();
    expect(resolveLocalKinesisOptions({ limits: { writeRecordsPerSecond: 10 } }).limits).toEqual({
      ...DEFAULT_LIMITS,
      writeRecordsPerSecond: 10,
    });
  });

  it.each([
    [{ port: -1 }, 'port'],
    [{ port: 65536 }, 'port'],
    [{ port: 1.5 }, 'port'],
    [{ port: '4567' }, 'port'],
    [{ host: '' }, 'host'],
    [{ region: 'Not A Region' }, 'region'],
    [{ limits: 'yes' }, 'limits'],
    [{ limits: { writeRecordsPerSecond: 0 } }, 'limits.writeRecordsPerSecond'],
    [{ limits: { writeBytesPerSecond: -5 } }, 'limits.writeBytesPerSecond'],
    [{ limits: { getRecordsCallsPerSecond: 2.5 } }, 'limits.getRecordsCallsPerSecond'],
    [{ limits: { subscribeToShardCallsPerSecond: 0.5 } }, 'limits.subscribeToShardCallsPerSecond'],
    [{ faults: { subscriptionDropRate: 2 } }, 'faults.subscriptionDropRate'],
    [{ faults: { silentSubscriptionRate: -1 } }, 'faults.silentSubscriptionRate'],
    [{ efo: 'yes' }, 'efo'],
    [{ efo: { subscriptionLifetimeMs: 0 } }, 'efo.subscriptionLifetimeMs'],
    [{ efo: { maxConsumersPerStream: 1.5 } }, 'efo.maxConsumersPerStream'],
    [{ efo: { lifetime: 5 } }, 'efo.lifetime'],
    [{ limits: { maxRecordBytes: 2 * 1024 * 1024 } }, 'limits.maxRecordBytes'],
    [{ limits: { nonsense: 1 } }, 'limits.nonsense'],
    [{ faults: { internalFailureRate: 1.5 } }, 'faults.internalFailureRate'],
    [{ faults: { serverErrorRate: -0.1 } }, 'faults.serverErrorRate'],
    [{ faults: { connectionResetRate: Number.NaN } }, 'faults.connectionResetRate'],
    [{ faults: { latencyMs: -1 } }, 'faults.latencyMs'],
    [{ faults: { blackHoleRate: 2 } }, 'faults.blackHoleRate'],
    [{ faults: { resetAfterWriteRate: -1 } }, 'faults.resetAfterWriteRate'],
    [{ streamStatusDelayMs: -1 }, 'streamStatusDelayMs'],
    [{ streamStatusDelayMs: 1.5 }, 'streamStatusDelayMs'],
    [{ shardLimit: 0 }, 'shardLimit'],
    [{ shardLimit: 2.5 }, 'shardLimit'],
    [{ faults: { seed: 1.5 } }, 'faults.seed'],
    [{ streams: { 'bad name!': 1 } }, 'streams.name'],
    // The object form names the stream's own key, the option the user wrote.
    [{ streams: { orders: 0 } }, 'streams.orders'],
    [{ streams: { a: 0 } }, 'streams.a'],
    [{ streams: { 'orders.eu-1': 2.5 } }, 'streams["orders.eu-1"]'],
    [{ streams: [{ name: 'orders', shards: 1.5 }] }, 'streams.shards'],
    [
      {
        streams: [
          { name: 'a', shards: 1 },
          { name: 'a', shards: 2 },
        ],
      },
      'streams.name',
    ],
    [{ clock: 5 }, 'clock'],
  ])('refuses %j naming %s', (options, option) => {
    const error = optionError(options);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(/expected|must|known|each stream/);
  });

  it('refuses a misspelt option name, listing the known ones without showing its value', async () => {
    // `limit: true` would start a local Kinesis without limits: a throttling test would pass
    // against nothing.
    const error = optionError({ limit: true, streams: { orders: 1 } });
    expect(error.option).toBe('limit');
    expect(error.message).toContain('known options are port, host, region, limits, faults');
    expect(error.message).not.toContain('true');
    await expect(startLocalKinesis({ port: 0, limit: true } as LocalKinesisOptions)).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
  });

  it('fails fast in startLocalKinesis, before listening', async () => {
    await expect(startLocalKinesis({ faults: { serverErrorRate: 2 } })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
  });

  it('names the port when it is already in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const error = await startLocalKinesis({ port }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe('port');
      expect((error as Error).message).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('listens on the port it was given and creates the listed streams', async () => {
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const local = await startLocalKinesis({ port, streams: [{ name: 'orders', shards: 3 }] });
    try {
      expect(local.endpoint).toBe(`http://127.0.0.1:${port}`);
      const client = local.createClient();
      const shards = await client.send(new ListShardsCommand({ StreamName: 'orders' }));
      expect(shards.Shards).toHaveLength(3);
      await local.deleteStream('orders');
      await expect(client.send(new ListShardsCommand({ StreamName: 'orders' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      client.destroy();
    } finally {
      await local.close();
    }
  });
});
