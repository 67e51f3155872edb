import { parseUpdateShardCount, scalingRefusal } from '../../src/local/updateShardCountRequest.js';

describe('UpdateShardCount requests', () => {
  it('reads a uniform scaling request', () => {
    expect(
      parseUpdateShardCount({ StreamName: 's', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }),
    ).toEqual({ streamName: 's', target: 4 });
  });

  it.each([
    [{ TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }, /streamName/],
    [{ StreamName: 's', TargetShardCount: 0, ScalingType: 'UNIFORM_SCALING' }, /targetShardCount/],
    [{ StreamName: 's', TargetShardCount: 2.5, ScalingType: 'UNIFORM_SCALING' }, /targetShardCount/],
    [{ StreamName: 's', TargetShardCount: 4 }, /scalingType/],
    [{ StreamName: 's', TargetShardCount: 4, ScalingType: 'CUSTOM' }, /scalingType/],
  ])('refuses %j with a ValidationException', (payload, message) => {
    const answer = parseUpdateShardCount(payload);
    expect(answer).toMatchObject({ status: 400, type: 'ValidationException' });
    expect((answer as { message: string }).message).toMatch(message);
  });

  it('allows half to double the open shards, up to 10,000', () => {
    expect(scalingRefusal('s', 4, 2)).toBeUndefined();
    expect(scalingRefusal('s', 4, 8)).toBeUndefined();
    expect(scalingRefusal('s', 5, 3)).toBeUndefined();
    expect(scalingRefusal('s', 4, 9)).toMatchObject({ type: 'LimitExceededException', message: /double/ });
    expect(scalingRefusal('s', 5, 2)).toMatchObject({ type: 'LimitExceededException', message: /half/ });
    expect(scalingRefusal('s', 6000, 10_001)).toMatchObject({
      type: 'LimitExceededException',
      message: /10000/,
    });
  });
});
