import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { UNREADABLE } from '../../src/errors/redact.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { SerializationError } from '../../src/processors/errors/SerializationError.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';
import { createProcessor, type Processor } from '../../src/processors/Processor.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ItemSerializationError } from '../../src/producer/errors/ItemSerializationError.js';
import { FakeKinesis } from './support/fakeKinesis.js';

/*
 * An item whose serialization throws something hostile (a revoked Proxy, a Proxy whose traps
 * throw) fails with its own ItemSerializationError, and the items around it are delivered.
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
  return new Proxy(new Error('trapped'), {
    get: trap,
    getPrototypeOf: trap,
    ownKeys: trap,
    getOwnPropertyDescriptor: trap,
  });
}

/** Reports of `items` through toKinesis() with onFailure 'emit', in virtual time. */
function reports<T>(items: T[], processor: Processor<T>): DeliveryReport<T>[] {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const seen: DeliveryReport<T>[] = [];
  scheduler.run(() => {
    const fake = new FakeKinesis(scheduler, {});
    of(...items)
      .pipe(
        toKinesis<T>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          processor,
          onFailure: 'emit',
        }),
      )
      .subscribe({ next: (report) => seen.push(report) });
  });
  return seen;
}

describe.each([
  ['a revoked Proxy', revoked],
  ['a Proxy whose traps throw', trapsThrow],
])('an item whose serializer throws %s', (_name, hostile) => {
  it('fails with ItemSerializationError, and the others are delivered', () => {
    const thrower = createProcessor<string>(
      'thrower',
      {
        name: 'thrower',
        serialize: (item) => {
          if (item === 'bad') throw hostile();
          return Buffer.from(item);
        },
        deserialize: (bytes) => Buffer.from(bytes).toString(),
      },
      jsonProcessor().aggregator,
    );
    const seen = reports(['a', 'bad', 'b'], thrower);
    expect(seen.map((report) => [report.index, report.status])).toEqual([
      [1, 'failed'],
      [0, 'delivered'],
      [2, 'delivered'],
    ]);
    const failed = seen[0]!;
    const error = failed.status === 'failed' ? failed.error : undefined;
    expect(error).toBeInstanceOf(ItemSerializationError);
    expect(error?.cause).toBe(UNREADABLE);
    expect(error?.context.itemIndex).toBe(1);
  });

  it('fails with ItemSerializationError holding the SerializationError when toJSON() throws it', () => {
    const item = {
      toJSON(): never {
        throw hostile();
      },
    };
    const seen = reports<unknown>([{ a: 1 }, item], jsonProcessor());
    const failed = seen.find((report) => report.status === 'failed');
    const error = failed?.status === 'failed' ? failed.error : undefined;
    expect(error).toBeInstanceOf(ItemSerializationError);
    expect(error?.cause).toBeInstanceOf(SerializationError);
    expect((error?.cause as SerializationError).cause).toBe(UNREADABLE);
  });
});
