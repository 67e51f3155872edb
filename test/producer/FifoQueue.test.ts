import { FifoQueue } from '../../src/producer/FifoQueue.js';

describe('FifoQueue', () => {
  it('gives items back in order through pushes and shifts interleaved past its compaction point', () => {
    const queue = new FifoQueue<number>();
    const model: number[] = [];
    let next = 0;
    // Deterministic pattern: bursts of pushes, then shifts, growing past 1,024 consumed items.
    for (let round = 0; round < 200; round += 1) {
      for (let i = 0; i < (round % 7) * 13 + 5; i += 1) {
        queue.push(next);
        model.push(next);
        next += 1;
      }
      for (let i = 0; i < (round % 5) * 11 + 3; i += 1) {
        expect(queue.peek()).toBe(model[0]);
        expect(queue.shift()).toBe(model.shift());
      }
      expect(queue.length).toBe(model.length);
    }
    while (model.length > 0) expect(queue.shift()).toBe(model.shift());
    expect(queue.shift()).toBeUndefined();
    expect(queue.peek()).toBeUndefined();
    expect(queue.length).toBe(0);
  });
});
