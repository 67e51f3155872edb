// A misspelt option name (or an async-kinesis one in snake_case) is refused with a message that
// names the option it most likely meant before the list of known ones, which for fromKinesis()
// and toKinesis() runs to some forty names.
import {
  InvalidOptionError,
  MemoryCheckpointer,
  RedisCheckpointer,
  fromKinesis,
  jsonProcessor,
  toKinesis,
} from '../../src/index.js';
import { startLocalKinesis } from '../../src/local/index.js';

function message(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error.message;
    throw error;
  }
  throw new Error('expected an InvalidOptionError, but nothing was thrown');
}

describe('an unknown option name', () => {
  it.each<[string, () => unknown, string]>([
    [
      'fromKinesis() checkpointr',
      () => fromKinesis({ streamName: 's', checkpointr: 1 } as never),
      'checkpointer',
    ],
    ['fromKinesis() stream_name', () => fromKinesis({ stream_name: 's' } as never), 'streamName'],
    ['fromKinesis() regoin', () => fromKinesis({ streamName: 's', regoin: 'eu-west-1' } as never), 'region'],
    [
      'toKinesis() partitonKey',
      () => toKinesis({ streamName: 's', partitonKey: 'k' } as never),
      'partitionKey',
    ],
    [
      'toKinesis() credentails',
      () => toKinesis({ streamName: 's', credentails: {} } as never),
      'credentials',
    ],
    ['toKinesis() BatchSize', () => toKinesis({ streamName: 's', BatchSize: 10 } as never), 'batchSize'],
    [
      'fromKinesis() enhancedFanOut.consumerNme',
      () => fromKinesis({ streamName: 's', enhancedFanOut: { consumerNme: 'c' } } as never),
      'consumerName',
    ],
    [
      'RedisCheckpointer sesionTimeout',
      () => new RedisCheckpointer({ redis: 'redis://localhost', name: 'a', sesionTimeout: 1 } as never),
      'sessionTimeout',
    ],
    ['MemoryCheckpointer', () => new MemoryCheckpointer({ leaseDuration: 1 } as never), 'leaseDurationMs'],
    ['jsonProcessor() sytle', () => jsonProcessor({ sytle: 'python' } as never), 'style'],
  ])('%s names the option it most likely meant', (_, act, meant) => {
    const text = message(act);
    expect(text).toContain(`unknown option; did you mean "${meant}"? known options are `);
  });

  it('startLocalKinesis() names the option it most likely meant', async () => {
    await expect(startLocalKinesis({ limts: false } as never)).rejects.toThrow(
      'unknown option; did you mean "limits"? known options are ',
    );
  });

  it('suggests nothing for a name far from every known one', () => {
    const text = message(() => toKinesis({ streamName: 's', colour: 'blue' } as never));
    expect(text).toContain('unknown option; known options are streamName, ');
    expect(text).not.toContain('did you mean');
  });
});
