import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot stream of values for any number of subscribers, as an RxJS Subject used only through
 * next() and complete(): a subscriber gets the values emitted while it is subscribed, one that
 * subscribes after complete() completes at once. Emitting allocates nothing (a Subject's next()
 * makes a closure and an iterator per value, a few hundred bytes a report at a Producer's rate):
 * the subscriber list is replaced, never changed, on (un)subscribe, so an emission walks the
 * list as it was when it began, as a Subject's does.
 */
export class ReportStream<T> {
  private subscribers: readonly Subscriber<T>[] = [];
  private completed = false;

  readonly observable: Observable<T> = new Observable<T>((subscriber) => {
    if (this.completed) {
      subscriber.complete();
      return undefined;
    }
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((other) => other !== subscriber);
    };
  });

  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i += 1) subscribers[i]!.next(value);
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (let i = 0; i < subscribers.length; i += 1) subscribers[i]!.complete();
  }
}
