import { createProgress } from '../../src/cli/progress.js';

function recorder(isTTY: boolean): { write: (text: string) => boolean; isTTY: boolean; text: () => string } {
  let text = '';
  return {
    isTTY,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

describe('createProgress', () => {
  it('writes plain lines at most once per interval when the stream is not a terminal', () => {
    let now = 0;
    const stream = recorder(false);
    const progress = createProgress({
      stream,
      label: 'put orders',
      total: 4000,
      unit: 'record',
      intervalMs: 1000,
      now: () => now,
    });
    now = 500;
    progress.update(500);
    expect(stream.text()).toBe('');
    now = 1000;
    progress.update(1000);
    now = 1500;
    progress.update(1500);
    now = 2000;
    progress.update(2000, '3 failed');
    now = 4000;
    progress.update(4000);
    progress.stop();
    progress.stop();
    expect(stream.text().split('\n')).toEqual([
      'put orders: 1,000/4,000 records (25%), 1,000/s',
      'put orders: 2,000/4,000 records (50%), 1,000/s, 3 failed',
      'put orders: 4,000/4,000 records (100%), 1,000/s',
      'put orders: 4,000/4,000 records (100%) in 4.0 s, 1,000/s',
      '',
    ]);
  });

  it('counts without a total and can leave out the last line', () => {
    let now = 0;
    const stream = recorder(false);
    const progress = createProgress({
      stream,
      label: 'tail',
      intervalMs: 100,
      now: () => now,
      finalLine: false,
    });
    now = 200;
    progress.update(10);
    progress.stop();
    progress.update(20);
    expect(stream.text()).toBe('tail: 10 items, 50/s\n');
  });

  it('says 1 line, not 1 lines: the unit follows the total, or the count without one', () => {
    let now = 0;
    const plain = recorder(false);
    const lines = createProgress({
      stream: plain,
      label: 'put orders',
      unit: ['line delivered', 'lines delivered'],
      intervalMs: 100,
      now: () => now,
    });
    now = 100;
    lines.update(1);
    now = 200;
    lines.update(2);
    lines.stop();
    const one = createProgress({ stream: plain, label: 'bench', total: 1, unit: 'record', now: () => now });
    one.update(1);
    one.stop();
    expect(plain.text().split('\n')).toEqual([
      'put orders: 1 line delivered, 10/s',
      'put orders: 2 lines delivered, 10/s',
      'put orders: 2 lines delivered in 0.2 s, 10/s',
      'bench: 1/1 record (100%) in 0.0 s',
      '',
    ]);
    const terminal = Object.assign(recorder(true), {
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const bar = createProgress({
      stream: terminal,
      label: 'put orders',
      unit: ['line delivered', 'lines delivered'],
    });
    bar.update(1);
    bar.stop();
    expect(terminal.text()).toContain('put orders 1 line delivered |');
    expect(terminal.text()).not.toContain('1 lines');
  });

  it('draws a cli-progress bar on a terminal', () => {
    const stream = Object.assign(recorder(true), {
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const progress = createProgress({ stream, label: 'bench', total: 10, unit: 'item' });
    progress.update(10, 'done');
    progress.stop();
    expect(stream.text()).toMatch(/bench \[[^\]]+\] 100% \| 10\/10 items/);
    expect(stream.text()).toContain('| done');
  });
});
