// The browser entry refuses bad options as the Node one does: at once, with InvalidOptionError.
import { Producer, toKinesis } from '../../src/browser/index.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';

describe('browser entry option checks', () => {
  it.each([
    ['no options', undefined, 'options'],
    ['null options', null, 'options'],
    ['a flushOn that is not an Observable', { streamName: 's', flushOn: 5 }, 'flushOn'],
    ['flushOnPageHide not a boolean', { streamName: 's', flushOnPageHide: 'yes' }, 'flushOnPageHide'],
    // null is no value, as for the Node entry: not replaced by the browser's defaults.
    ['maxQueueSize null', { streamName: 's', maxQueueSize: null }, 'maxQueueSize'],
    ['maxQueueBytes null', { streamName: 's', maxQueueBytes: null }, 'maxQueueBytes'],
    [
      'connectionFailureTimeout null',
      { streamName: 's', connectionFailureTimeout: null },
      'connectionFailureTimeout',
    ],
    ['expoBackoffLimit null', { streamName: 's', expoBackoffLimit: null }, 'expoBackoffLimit'],
  ])('refuses %s with InvalidOptionError', (_label, options, option) => {
    for (const create of [() => toKinesis(options as never), () => new Producer(options as never)]) {
      let thrown: unknown;
      try {
        create();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toMatchObject({ option, retriable: false });
    }
  });
});
