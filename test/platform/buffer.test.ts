import { Buffer as BrowserBuffer, Bytes } from '../../src/platform/buffer.browser.js';
import { isUtf8 as browserIsUtf8 } from '../../src/platform/isUtf8.browser.js';
import { isUtf8 } from 'node:buffer';

const TEXTS = [
  '',
  'plain ascii',
  'ünïcödé',
  '🎉 emoji',
  'x\uD800y (lone surrogate)',
  '\uDC00',
  '日本語テキスト',
];

describe('the browser build’s Buffer stand-in', () => {
  it('is a Uint8Array (no Node Buffer) with the same bytes as Buffer for utf8 and latin1', () => {
    for (const text of TEXTS) {
      const bytes = BrowserBuffer.from(text, 'utf8');
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(Object.getPrototypeOf(Bytes.prototype)).toBe(Uint8Array.prototype);
      expect(Buffer.isBuffer(bytes)).toBe(false);
      expect([...bytes]).toEqual([...Buffer.from(text, 'utf8')]);
      expect(BrowserBuffer.byteLength(text, 'utf8')).toBe(Buffer.byteLength(text, 'utf8'));
      expect([...BrowserBuffer.from(text, 'latin1')]).toEqual([...Buffer.from(text, 'latin1')]);
      expect(bytes.toString('utf8')).toBe(Buffer.from(text, 'utf8').toString('utf8'));
    }
  });

  it('writes strings as Buffer.write does: bytes written, never a partial character', () => {
    for (const text of TEXTS) {
      for (const room of [0, 1, 2, 3, 5, 40]) {
        const ours = BrowserBuffer.allocUnsafe(45).fill(0);
        const node = Buffer.alloc(45);
        expect(ours.write(text, 5, room, 'utf8')).toBe(node.write(text, 5, room, 'utf8'));
        expect([...ours]).toEqual([...node]);
      }
      const ours = BrowserBuffer.alloc(20);
      const node = Buffer.alloc(20);
      expect(ours.write('12345', 3, 'latin1')).toBe(node.write('12345', 3, 'latin1'));
      expect([...ours]).toEqual([...node]);
    }
  });

  it('reads back as toString(encoding, start, end), equals() and from(arrayBuffer, offset, length) do', () => {
    const node = Buffer.from('héllo wörld', 'utf8');
    const ours = BrowserBuffer.from(node.buffer, node.byteOffset, node.byteLength);
    expect(ours.toString('utf8', 1, 6)).toBe(node.toString('utf8', 1, 6));
    expect(ours.toString('hex')).toBe(node.toString('hex'));
    expect(ours.toString('latin1')).toBe(node.toString('latin1'));
    expect(ours.equals(node)).toBe(true);
    expect(ours.equals(node.subarray(1))).toBe(false);
    const copy = BrowserBuffer.from(ours);
    copy[0] = 0;
    expect(ours[0]).toBe(node[0]);
    expect(BrowserBuffer.isBuffer(ours.subarray(2))).toBe(true);
    expect([...BrowserBuffer.from('00ff10', 'hex')]).toEqual([0, 255, 16]);
  });

  it('checks UTF-8 as node:buffer’s isUtf8 does', () => {
    const samples = [
      Buffer.from('ok'),
      Buffer.from('🎉'),
      Buffer.from([0xff]),
      Buffer.from([0xc3]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xef, 0xbb, 0xbf, 0x61]),
      Buffer.alloc(0),
    ];
    for (const sample of samples) expect(browserIsUtf8(sample)).toBe(isUtf8(sample));
  });
});
