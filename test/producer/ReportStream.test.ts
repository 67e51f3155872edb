import { Subject } from 'rxjs';
import { ReportStream } from '../../src/producer/ReportStream.js';

/** What each subscriber saw, as `next:v` / `complete` lines, in the order it happened. */
function watch(stream: { observable: ReportStream<number>['observable'] }, seen: string[], name: string) {
  return stream.observable.subscribe({
    next: (value) => seen.push(`${name} next:${value}`),
    complete: () => seen.push(`${name} complete`),
  });
}

describe('ReportStream', () => {
  it('gives every subscriber the values emitted while it is subscribed, as a Subject does', () => {
    const stream = new ReportStream<number>();
    const subject = new Subject<number>();
    const seen: string[] = [];
    const expected: string[] = [];
    const subjectLike = { observable: subject.asObservable() };
    const a = watch(stream, seen, 'a');
    const sa = watch(subjectLike, expected, 'a');
    stream.next(1);
    subject.next(1);
    const b = watch(stream, seen, 'b');
    const sb = watch(subjectLike, expected, 'b');
    stream.next(2);
    subject.next(2);
    a.unsubscribe();
    sa.unsubscribe();
    stream.next(3);
    subject.next(3);
    stream.complete();
    subject.complete();
    stream.next(4);
    subject.next(4);
    expect(b.closed && sb.closed).toBe(true);
    expect(seen).toEqual(['a next:1', 'a next:2', 'b next:2', 'b next:3', 'b complete']);
    expect(seen).toEqual(expected);
  });

  it('completes at once a subscriber that comes after complete()', () => {
    const stream = new ReportStream<number>();
    stream.complete();
    const seen: string[] = [];
    const late = watch(stream, seen, 'late');
    expect(seen).toEqual(['late complete']);
    expect(late.closed).toBe(true);
  });

  it('walks the subscribers as they were when an emission began: one added or removed meanwhile changes the next one', () => {
    const stream = new ReportStream<number>();
    const seen: string[] = [];
    let added = false;
    const second = { unsubscribe: () => undefined } as { unsubscribe: () => void };
    stream.observable.subscribe((value) => {
      seen.push(`first next:${value}`);
      if (!added) {
        added = true;
        watch(stream, seen, 'late');
        second.unsubscribe();
      }
    });
    const subscription = watch(stream, seen, 'second');
    second.unsubscribe = () => subscription.unsubscribe();
    stream.next(1);
    stream.next(2);
    // `second` was unsubscribed during the first emission: a closed subscriber ignores the value
    // it would still be walked to; `late` joined during it and gets only the next one.
    expect(seen).toEqual(['first next:1', 'first next:2', 'late next:2']);
  });
});
