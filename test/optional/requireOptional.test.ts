import { MissingPeerDependencyError } from '../../src/errors/MissingPeerDependencyError.js';
import { requireOptional } from '../../src/optional/requireOptional.js';

describe('requireOptional()', () => {
  it('loads an installed package', () => {
    const ioredis = requireOptional<typeof import('ioredis')>('ioredis', 'RedisCheckpointer');
    expect(typeof ioredis.Redis).toBe('function');
  });

  it('names the package to add when it is not installed', () => {
    let caught: unknown;
    try {
      requireOptional('rxjs-kinesis-no-such-package', 'The thing under test');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingPeerDependencyError);
    const error = caught as MissingPeerDependencyError;
    expect(error.packageName).toBe('rxjs-kinesis-no-such-package');
    expect(error.feature).toBe('The thing under test');
    expect(error.retriable).toBe(false);
    expect(error.message).toBe(
      'The thing under test needs the package "rxjs-kinesis-no-such-package", which is not installed. ' +
        'Add it to your project: npm install rxjs-kinesis-no-such-package',
    );
    expect((error.cause as NodeJS.ErrnoException).code).toBe('MODULE_NOT_FOUND');
  });
});
