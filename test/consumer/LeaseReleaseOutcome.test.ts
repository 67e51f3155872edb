import { releasedOutcome } from '../../src/consumer/LeaseReleaseOutcome.js';

describe('releasedOutcome: whether a release reserved the lease for the requester asked for', () => {
  it.each<[string, unknown, string | undefined, boolean | undefined]>([
    ['reserved for the requester', { reservedFor: 'w2' }, 'w2', true],
    ['released to anyone (the requester was not live)', { reservedFor: undefined }, 'w2', false],
    ['reserved for another worker', { reservedFor: 'w3' }, 'w2', false],
    ['a coordinator that resolved to nothing', undefined, 'w2', undefined],
    ['a coordinator that resolved to something else', true, 'w2', undefined],
    ['an object without reservedFor', {}, 'w2', undefined],
    ['no requester asked for', { reservedFor: undefined }, undefined, undefined],
  ])('%s', (_, result, handoffTo, reserved) => {
    expect(releasedOutcome(result, handoffTo)).toStrictEqual({ released: true, reserved });
  });
});
