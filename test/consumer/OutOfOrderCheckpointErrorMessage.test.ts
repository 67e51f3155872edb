import { OutOfOrderCheckpointError } from '../../src/consumer/errors/OutOfOrderCheckpointError.js';

const late = { sequenceNumber: '100', subSequenceNumber: undefined };
const passed = { sequenceNumber: '200', subSequenceNumber: undefined };

it('names every way a shard ends up split across checkpoint()s, a shared source included, and the remedies', () => {
  const error = new OutOfOrderCheckpointError('orders', 'shardId-000000000000', late, passed, true);
  expect(error.message).toContain('groupBy on another key than the shard id?');
  expect(error.message).toContain('checkpoint() inside mergeMap?');
  expect(error.message).toContain('a share()d source with a checkpoint() per subscriber?');
  expect(error.message).toContain("(with share(), one subscriber's)");
  expect(error.retriable).toBe(false);
  expect(error.context).toMatchObject({
    streamName: 'orders',
    shardId: 'shardId-000000000000',
    sequenceNumber: '100',
  });
});

it('points at out-of-order processing when the later item passed the same checkpoint()', () => {
  const error = new OutOfOrderCheckpointError('orders', 'shardId-000000000000', late, passed);
  expect(error.message).toContain('completes out of order (mergeMap?)');
  expect(error.message).not.toContain('share()');
});
