import { comparePositions } from '../../src/checkpointers/comparePositions.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';

describe('comparePositions', () => {
  it.each([
    [{ sequenceNumber: '1' }, { sequenceNumber: '2' }, -1],
    [{ sequenceNumber: '9' }, { sequenceNumber: '10' }, -1],
    [{ sequenceNumber: '10' }, { sequenceNumber: '9' }, 1],
    [{ sequenceNumber: '007' }, { sequenceNumber: '7' }, 0],
    [{ sequenceNumber: '5', subSequenceNumber: 1 }, { sequenceNumber: '5', subSequenceNumber: 2 }, -1],
    [{ sequenceNumber: '5', subSequenceNumber: 2 }, { sequenceNumber: '5', subSequenceNumber: 2 }, 0],
    [{ sequenceNumber: '5', subSequenceNumber: 10 }, { sequenceNumber: '5', subSequenceNumber: 9 }, 1],
    [{ sequenceNumber: '5' }, { sequenceNumber: '5', subSequenceNumber: 1_000_000 }, 1],
    [{ sequenceNumber: '5', subSequenceNumber: 0 }, { sequenceNumber: '5' }, -1],
    [{ sequenceNumber: '5' }, { sequenceNumber: '5' }, 0],
    [{ sequenceNumber: '4' }, { sequenceNumber: '5', subSequenceNumber: 0 }, -1],
  ])('compares %j with %j as %d', (a, b, expected) => {
    expect(comparePositions(a, b)).toBe(expected);
  });

  it('compares 128-bit sequence numbers exactly', () => {
    const max = (2n ** 128n - 1n).toString();
    const belowMax = (2n ** 128n - 2n).toString();
    expect(comparePositions({ sequenceNumber: belowMax }, { sequenceNumber: max })).toBe(-1);
    // Numbers closer than double precision can tell apart.
    const a = '49590338271490256608559692538361571095921575989136588801';
    const b = '49590338271490256608559692538361571095921575989136588802';
    expect(comparePositions({ sequenceNumber: b }, { sequenceNumber: a })).toBe(1);
    expect(comparePositions({ sequenceNumber: '9'.repeat(55) }, { sequenceNumber: a })).toBe(-1);
  });

  it.each([
    [{ sequenceNumber: '' }, 'a.sequenceNumber'],
    [{ sequenceNumber: '1e5' }, 'a.sequenceNumber'],
    [{ sequenceNumber: ' 1' }, 'a.sequenceNumber'],
    [{ sequenceNumber: '0x10' }, 'a.sequenceNumber'],
    [{ sequenceNumber: 12 }, 'a.sequenceNumber'],
    [{ sequenceNumber: '1'.repeat(130) }, 'a.sequenceNumber'],
    [{ sequenceNumber: '1', subSequenceNumber: -1 }, 'a.subSequenceNumber'],
    [{ sequenceNumber: '1', subSequenceNumber: Number.NaN }, 'a.subSequenceNumber'],
    [null, 'a'],
  ])('rejects %j with InvalidOptionError naming %s', (a, option) => {
    const compare = () => comparePositions(a as never, { sequenceNumber: '1' });
    expect(compare).toThrow(InvalidOptionError);
    expect(compare).toThrow(`Invalid option "${option}"`);
  });

  it('validates the second position too', () => {
    expect(() => comparePositions({ sequenceNumber: '1' }, { sequenceNumber: 'x' })).toThrow(
      'Invalid option "b.sequenceNumber"',
    );
  });
});
