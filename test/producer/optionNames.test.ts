// Option names nobody knows (a typo, an option of another entry point) fail at once with
// InvalidOptionError, and the value given under such a name is never shown: a misspelt name says
// nothing of whether its value is secret.
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { Producer } from '../../src/producer/Producer.js';

const SECRET = 'hunter2-do-not-print';

function thrown(act: () => unknown): InvalidOptionError {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError, but nothing was thrown');
}

describe('option names', () => {
  it('Producer refuses a misspelt option, naming it and the known ones, without its value', () => {
    const error = thrown(() => new Producer({ streamName: 's', bufferTme: 100, pasword: SECRET } as never));
    expect(error.option).toBe('bufferTme');
    expect(error.message).toContain(
      'unknown option; did you mean "bufferTime"? known options are streamName, processor',
    );
    expect(error.message).toContain('bufferTime');
    const secret = thrown(() => new Producer({ streamName: 's', pasword: SECRET } as never));
    expect(secret.option).toBe('pasword');
    expect(`${secret.message} ${String(secret.value)}`).not.toContain(SECRET);
  });

  it('Producer refuses an option of toKinesis() with a hint; toKinesis() takes it', () => {
    const error = thrown(() => new Producer({ streamName: 's', overflow: 'drop-newest' } as never));
    expect(error.message).toContain('an option of toKinesis(), not of Producer');
    expect(() =>
      toKinesis({ streamName: 's', overflow: 'drop-newest', flushOnUnsubscribe: false }),
    ).not.toThrow();
  });

  it('toKinesis() refuses a misspelt option when called, before any subscription', () => {
    const error = thrown(() => toKinesis({ streamName: 's', flushOnUnsubscrib: false } as never));
    expect(error.option).toBe('flushOnUnsubscrib');
    expect(error.message).toContain('metricsObserver');
  });

  it.each([
    ['no options', undefined],
    ['null options', null],
  ])('Producer and toKinesis() refuse %s with InvalidOptionError, not a TypeError', (_label, options) => {
    for (const create of [() => toKinesis(options as never), () => new Producer(options as never)]) {
      expect(thrown(create)).toMatchObject({ option: 'options', retriable: false });
    }
  });

  it('fromKinesis() does not show the value of an unknown option', () => {
    const error = thrown(() => fromKinesis({ streamName: 's', credentails: { secretKey: SECRET } } as never));
    expect(error.option).toBe('credentails');
    expect(`${error.message} ${JSON.stringify(error.value)}`).not.toContain(SECRET);
  });
});
