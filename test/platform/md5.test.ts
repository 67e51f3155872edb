import { createHash } from 'node:crypto';
import { createHash as browserCreateHash, hash as browserHash } from '../../src/platform/crypto.browser.js';
import { md5, md5HexOfText } from '../../src/platform/md5.js';
import { seededRandom } from '../../src/local/seededRandom.js';

const nodeMd5 = (data: Uint8Array | string): string => createHash('md5').update(data).digest('hex');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('md5 in plain TypeScript', () => {
  it('gives the RFC 1321 test-suite digests', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      [
        '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
        '57edf4a22be3c955ac49da2e2107b67a',
      ],
    ];
    for (const [text, digest] of suite) {
      expect(hex(md5(new TextEncoder().encode(text)))).toBe(digest);
      expect(md5HexOfText(text)).toBe(digest);
    }
  });

  it('matches node:crypto on every length around the block and padding boundaries', () => {
    const random = seededRandom(7);
    for (let length = 0; length <= 200; length += 1) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      expect(hex(md5(bytes))).toBe(nodeMd5(bytes));
    }
    const large = Uint8Array.from({ length: 1024 * 1024 + 3 }, (_, i) => (i * 31) & 255);
    expect(hex(md5(large))).toBe(nodeMd5(large));
  });

  it('hashes a partition key’s UTF-8 bytes (emoji, lone surrogates, long keys) as node:crypto does', () => {
    for (const key of ['user-1', 'ünïcödé', '🎉 party', 'x\uD800y', 'k'.repeat(256), 'é'.repeat(30_000)]) {
      expect(md5HexOfText(key)).toBe(nodeMd5(key));
      expect(browserHash('md5', key, 'hex')).toBe(createHash('md5').update(key, 'utf8').digest('hex'));
    }
  });

  it('offers the part of node:crypto’s createHash the library uses', () => {
    const digest = browserCreateHash('md5')
      .update(new Uint8Array([1, 2]))
      .update('abc')
      .digest();
    expect(hex(digest)).toBe(
      createHash('md5')
        .update(new Uint8Array([1, 2]))
        .update('abc')
        .digest('hex'),
    );
    expect(
      digest.equals(
        createHash('md5')
          .update(Buffer.from([1, 2, 0x61, 0x62, 0x63]))
          .digest(),
      ),
    ).toBe(true);
    expect(browserCreateHash('md5').update('abc').digest('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(() => browserCreateHash('sha1' as 'md5')).toThrow(/sha1/);
  });
});
