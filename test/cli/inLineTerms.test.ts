import { inLineTerms } from '../../src/cli/inLineTerms.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { InvalidPartitionKeyError } from '../../src/producer/errors/InvalidPartitionKeyError.js';

describe('put: producer errors in terms of the line', () => {
  it('an error about one item speaks of the item, not of its number among the lines sent', () => {
    const error = new InvalidPartitionKeyError({ user: null }, 2, null, new Error('field "user" is null'));
    expect(inLineTerms(error.message)).toBe('the item has an invalid partition key: field "user" is null');
  });

  it('a delivery failure shared by several items says the line was one of them', () => {
    const items = [7, 8, 9, 10, 11, 12].map((index) => ({ item: {}, index }));
    const error = new DeliveryFailedError(items, 3, new Error('Stream s not found'));
    expect(error.message).toMatch(/^6 items \(#7, #8, #9, #10, #11, \.\.\.\) could not be delivered: /);
    expect(inLineTerms(error.message)).toMatch(
      /^the item \(one of 6 sent together\) could not be delivered: .*Stream s not found/,
    );
    const one = new DeliveryFailedError([{ item: {}, index: 4 }], 1, new Error('Access denied'));
    expect(inLineTerms(one.message)).toMatch(/^the item could not be delivered: .*Access denied/);
  });

  it('leaves other messages as they are', () => {
    expect(inLineTerms('not valid JSON (Unexpected token)')).toBe('not valid JSON (Unexpected token)');
    expect(inLineTerms('see Item #3 below')).toBe('see Item #3 below');
  });
});
