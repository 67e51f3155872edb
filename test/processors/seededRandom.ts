/** Seeded random data for property-style tests, from the same PRNG the local Kinesis uses. */
export { seededRandom } from '../../src/local/seededRandom.js';

const ALPHABET = ['a', 'Z', '0', ' ', 'é', 'ß', '中', '😀', '"', '\\', '\n', '/', ',', ':', '\u007f'];

/** A random string of up to `maxLength` characters drawn from ASCII, multi-byte and escapes. */
export function randomString(random: () => number, maxLength: number): string {
  const length = Math.floor(random() * (maxLength + 1));
  let text = '';
  for (let i = 0; i < length; i += 1) {
    text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  }
  return text;
}

/** A random JSON-compatible value (no floats that JSON cannot round-trip). */
export function randomJson(random: () => number, depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 5 : 7));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor((random() - 0.5) * 2 ** 40);
    case 3:
      return (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10);
    case 4:
      return randomString(random, 40);
    case 5: {
      const list: unknown[] = [];
      const n = Math.floor(random() * 5);
      for (let i = 0; i < n; i += 1) list.push(randomJson(random, depth + 1));
      return list;
    }
    default: {
      const object: Record<string, unknown> = {};
      const n = Math.floor(random() * 5);
      for (let i = 0; i < n; i += 1) object[`k${randomString(random, 6)}`] = randomJson(random, depth + 1);
      return object;
    }
  }
}

export function bytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}
