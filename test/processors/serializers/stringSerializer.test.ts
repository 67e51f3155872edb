import { DeserializationError } from '../../../src/processors/errors/DeserializationError';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
import { bytesSerializer } from '../../../src/processors/serializers/bytesSerializer';
import { stringSerializer } from '../../../src/processors/serializers/stringSerializer';

describe('stringSerializer', () => {
  const string = stringSerializer();

  it('writes UTF-8 bytes', () => {
    expect(Buffer.from(string.serialize('aé😀')).toString('hex')).toBe('61c3a9f09f9880');
    expect(string.serialize('').byteLength).toBe(0);
  });

  it('reads UTF-8 and rejects invalid UTF-8', () => {
    expect(string.deserialize(Buffer.from('61c3a9f09f9880', 'hex'))).toBe('aé😀');
    expect(() => string.deserialize(Buffer.from([0x61, 0xc3]))).toThrow(DeserializationError);
  });

  it('rejects non-string items', () => {
    expect(() => string.serialize(5 as unknown as string)).toThrow(SerializationError);
  });

  it.each([
    ['a high surrogate alone', 'a\ud800b', '\\ud800 at position 1'],
    ['a low surrogate alone', '\udc00', '\\udc00 at position 0'],
    ['a pair cut short', '😀\ud83d', '\\ud83d at position 2'],
    ['a long text', `${'x'.repeat(5000)}\udfff`, '\\udfff at position 5000'],
  ])('refuses %s, as a lone surrogate has no UTF-8 form (Python refuses it too)', (_name, item, where) => {
    // Buffer.from(item, 'utf8') would write U+FFFD in its place: silent corruption.
    expect(() => string.serialize(item)).toThrow(SerializationError);
    expect(() => string.serialize(item)).toThrow(`lone surrogate ${where}`);
  });

  it('writes U+FFFD itself, other characters encoded with 0xEF and surrogate pairs unchanged', () => {
    expect(Buffer.from(string.serialize('\ufffd\ud83d\ude00')).toString('hex')).toBe('efbfbdf09f9880');
    expect(Buffer.from(string.serialize('\uff01\uffff')).toString('hex')).toBe('efbc81efbfbf');
  });
});

describe('bytesSerializer', () => {
  it('passes bytes through both ways', () => {
    const data = Uint8Array.of(1, 2, 3);
    expect(bytesSerializer().serialize(data)).toBe(data);
    expect(bytesSerializer().deserialize(data)).toBe(data);
    expect(() => bytesSerializer().serialize('x' as unknown as Uint8Array)).toThrow(SerializationError);
  });
});
