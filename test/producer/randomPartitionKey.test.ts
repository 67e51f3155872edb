import { randomPartitionKey } from '../../src/producer/randomPartitionKey.js';

describe('randomPartitionKey', () => {
  it('writes two 32-bit draws as 16 lower-case hex digits, high draw first', () => {
    const draws = [0, 0.5, 0.25, 1 / 0x1_0000_0000, 0.9999999999];
    const keys: string[] = [];
    for (let i = 0; i + 1 < draws.length; i += 2) {
      let next = i;
      keys.push(randomPartitionKey(() => draws[next++]!));
    }
    expect(keys).toEqual(['0000000080000000', '4000000000000001']);
    expect(randomPartitionKey(() => 0.9999999999)).toBe('ffffffffffffffff');
  });

  it('matches Number#toString(16) padded to 8 digits, for seeded draws', () => {
    let seed = 11;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    let check = 11;
    const reference = () => (check = (check * 48271) % 2147483647) / 2147483647;
    const hex8 = (fraction: number) =>
      Math.floor(fraction * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    for (let i = 0; i < 10_000; i += 1) {
      const expected = hex8(reference()) + hex8(reference());
      expect(randomPartitionKey(random)).toBe(expected);
    }
  });
});
