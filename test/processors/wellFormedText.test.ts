import { SerializationError } from '../../src/processors/errors/SerializationError';
import {
  isWellFormed,
  isWellFormedWithoutNative,
  loneSurrogateError,
} from '../../src/processors/wellFormedText';

const wellFormed = ['', 'abc', 'é', '😀', 'a\ud83d\ude00b', '\ufffd', 'x'.repeat(2000) + '😀'];
const lone = [
  '\ud800',
  'a\udc00',
  '\ud83d',
  'a\ud83dx',
  '\ude00\ud83d',
  '😀\ud800',
  'x'.repeat(2000) + '\udfff',
];

describe('isWellFormed', () => {
  it.each([
    ['native (when the runtime has it)', isWellFormed],
    ['without the native method (older browsers)', isWellFormedWithoutNative],
  ])('%s: true for texts without a lone surrogate, false for texts with one', (_name, check) => {
    for (const text of wellFormed) expect(check(text)).toBe(true);
    for (const text of lone) expect(check(text)).toBe(false);
  });

  it('falls back when String.prototype.isWellFormed is missing', () => {
    const prototype = String.prototype as { isWellFormed?: unknown };
    const native = prototype.isWellFormed;
    delete prototype.isWellFormed;
    try {
      jest.isolateModules(() => {
        type Module = typeof import('../../src/processors/wellFormedText');
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const module = require('../../src/processors/wellFormedText') as Module;
        expect(module.isWellFormed).toBe(module.isWellFormedWithoutNative);
        expect(module.isWellFormed('a\ud800')).toBe(false);
        expect(module.isWellFormed('a😀')).toBe(true);
      });
    } finally {
      prototype.isWellFormed = native;
    }
  });
});

describe('loneSurrogateError', () => {
  it('is a SerializationError naming the code unit and its position', () => {
    const error = loneSurrogateError('string', 'ab😀\udc01c');
    expect(error).toBeInstanceOf(SerializationError);
    expect(error.format).toBe('string');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('lone surrogate \\udc01 at position 4');
  });
});
