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
});

describe('bytesSerializer', () => {
  it('passes bytes through both ways', () => {
    const data = Uint8Array.of(1, 2, 3);
    expect(bytesSerializer().serialize(data)).toBe(data);
    expect(bytesSerializer().deserialize(data)).toBe(data);
    expect(() => bytesSerializer().serialize('x' as unknown as Uint8Array)).toThrow(SerializationError);
  });
});
