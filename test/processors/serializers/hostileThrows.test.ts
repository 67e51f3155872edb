import { UNREADABLE } from '../../../src/errors/redact';
import { SerializationError } from '../../../src/processors/errors/SerializationError';
import { jsonProcessor, msgpackProcessor } from '../../../src/processors/namedProcessors';
import type { Processor } from '../../../src/processors/Processor';
import { textPathOf } from '../../../src/processors/textPathOf';

/*
 * An item that throws something hostile while it is serialized (from toJSON() or a getter) is
 * still refused with a SerializationError naming the format, never with what it threw or a
 * TypeError from describing it.
 */

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable(new Error('revoked'), {});
  revoke();
  return proxy;
}

function trapsThrow(): object {
  const trap = (): never => {
    throw new Error('trap');
  };
  return new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
}

const thrown: Array<[string, () => unknown, string]> = [
  ['a revoked Proxy', revoked, 'a value with no string form'],
  ['a Proxy whose traps throw', trapsThrow, 'a value with no string form'],
  ['a null-prototype object', () => Object.create(null) as object, 'a value with no string form'],
  [
    'an error whose message getter throws',
    () =>
      Object.defineProperty(new Error(), 'message', {
        get: () => {
          throw new Error('getter');
        },
      }),
    'an error whose message cannot be read',
  ],
];

/** An item that throws `value` when its JSON form (toJSON) or its field (a getter) is read. */
function throwingItem(value: unknown): object {
  return {
    toJSON(): never {
      throw value;
    },
    get field(): never {
      throw value;
    },
  };
}

function serializeBoth(processor: Processor<unknown>, item: unknown): unknown[] {
  const refusals: unknown[] = [];
  try {
    processor.serializer.serialize(item);
  } catch (error) {
    refusals.push(error);
  }
  const textPath = textPathOf(processor);
  if (textPath !== undefined) {
    try {
      textPath.serializer.serialize(item);
    } catch (error) {
      refusals.push(error);
    }
  }
  return refusals;
}

describe.each([
  ['json', () => jsonProcessor()],
  ['json compact', () => jsonProcessor({ style: 'compact' })],
  ['msgpack', () => msgpackProcessor()],
])('%s serializer', (_name, make) => {
  it.each(thrown)('refuses an item that throws %s with a SerializationError', (_what, value, said) => {
    const refusals = serializeBoth(make(), throwingItem(value()));
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(SerializationError);
      expect((refusal as SerializationError).message).toContain(said);
    }
  });

  it('keeps a revoked Proxy it cannot read out of the cause', () => {
    for (const refusal of serializeBoth(make(), throwingItem(revoked())))
      expect((refusal as SerializationError).cause).toBe(UNREADABLE);
  });
});
