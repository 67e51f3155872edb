// What close() names when its final writes overrun: positions done and not covered by a write
// (aggregated records included), leases held; nothing for a shard whose lease was lost.
import type { KinesisItem } from 'rxjs-kinesis';
import { FinalWrites } from '../../src/nestjs/FinalWrites.js';

const item = (shardId: string, sequenceNumber: string, subSequenceNumber = 0, subRecordCount = 1) =>
  ({ shardId, sequenceNumber, subSequenceNumber, subRecordCount }) as KinesisItem<unknown>;

it('names the positions done and not written, and the leases held', () => {
  const writes = new FinalWrites();
  expect(writes.describe()).toBeUndefined();
  for (const shardId of ['s-a', 's-b', 's-c', 's-d']) writes.observe({ type: 'lease-acquired', shardId });
  writes.done(item('s-a', '100'));
  writes.done(item('s-b', '200', 1, 3));
  writes.observe({
    type: 'checkpoint-written',
    shardId: 's-b',
    position: { sequenceNumber: '200', subSequenceNumber: 0 },
  });
  writes.done(item('s-c', '300', 2, 3));
  writes.observe({ type: 'checkpoint-written', shardId: 's-c', position: { sequenceNumber: '300' } });
  writes.observe({ type: 'lease-released', shardId: 's-c' });
  writes.done(item('s-d', '400'));
  writes.observe({ type: 'lease-lost', shardId: 's-d', error: new Error('lost') as never });
  expect(writes.describe()).toBe(
    'checkpoints not written: s-a (done up to 100, last written none this run), ' +
      's-b (done up to 200/1, last written 200/0); leases not released: s-a, s-b (free once they run out)',
  );
  writes.observe({ type: 'checkpoint-written', shardId: 's-a', position: { sequenceNumber: '99' } });
  writes.observe({ type: 'checkpoint-written', shardId: 's-b', position: 'SHARD_END' });
  writes.observe({ type: 'lease-released', shardId: 's-b' });
  expect(writes.describe()).toBe(
    'checkpoints not written: s-a (done up to 100, last written 99); leases not released: s-a (free once they run out)',
  );
  writes.observe({ type: 'checkpoint-written', shardId: 's-a', position: { sequenceNumber: '1000' } });
  writes.observe({ type: 'lease-released', shardId: 's-a' });
  expect(writes.describe()).toBeUndefined();
});

it('forgets a shard once its lease is released with its position written, or lost', () => {
  const writes = new FinalWrites();
  const sizes = () => {
    const inside = writes as unknown as { passed: Map<string, unknown>; written: Map<string, unknown> };
    return { passed: inside.passed.size, written: inside.written.size };
  };
  for (let i = 0; i < 1_000; i += 1) {
    const shardId = `shardId-${i}`;
    writes.observe({ type: 'lease-acquired', shardId });
    writes.done(item(shardId, '100'));
    writes.observe({ type: 'checkpoint-written', shardId, position: { sequenceNumber: '100' } });
    if (i % 2 === 0) writes.observe({ type: 'lease-released', shardId });
    else writes.observe({ type: 'lease-lost', shardId, error: new Error('lost') as never });
  }
  expect(sizes()).toEqual({ passed: 0, written: 0 });
  expect(writes.describe()).toBeUndefined();
  // Released with a position done and not written: still named.
  writes.observe({ type: 'lease-acquired', shardId: 's-x' });
  writes.done(item('s-x', '200'));
  writes.observe({ type: 'checkpoint-written', shardId: 's-x', position: { sequenceNumber: '150' } });
  writes.observe({ type: 'lease-released', shardId: 's-x' });
  expect(writes.describe()).toBe('checkpoints not written: s-x (done up to 200, last written 150)');
});

it('names a position the store refused as older than its own as refused, not as not written', () => {
  const writes = new FinalWrites();
  writes.observe({ type: 'lease-acquired', shardId: 's-a' });
  writes.observe({ type: 'lease-acquired', shardId: 's-b' });
  writes.done(item('s-a', '100'));
  writes.observe({ type: 'checkpoint-refused', shardId: 's-a', position: { sequenceNumber: '100' } });
  writes.done(item('s-b', '200'));
  writes.observe({ type: 'checkpoint-refused', shardId: 's-b', position: { sequenceNumber: '150' } });
  expect(writes.describe()).toBe(
    'checkpoints not written: s-b (done up to 200, last written none this run); ' +
      'checkpoints the store refused, holding later positions: s-a (done up to 100); ' +
      'leases not released: s-a, s-b (free once they run out)',
  );
  // Released with its position refused: nothing left to write, forgotten.
  writes.observe({ type: 'lease-released', shardId: 's-a' });
  writes.observe({ type: 'checkpoint-written', shardId: 's-b', position: { sequenceNumber: '200' } });
  writes.observe({ type: 'lease-released', shardId: 's-b' });
  expect(writes.describe()).toBeUndefined();
});
