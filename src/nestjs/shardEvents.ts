import { Observable } from 'rxjs';
import { deserialize, type KinesisItem, type KinesisRecord, type RecordDecodeError } from '../index.js';

/** One event of a shard, in the shard's order: an item decoded, or a record that could not be. */
export type ShardEvent =
  | { readonly kind: 'item'; readonly item: KinesisItem<unknown> }
  | {
      readonly kind: 'undecodable';
      readonly record: KinesisRecord;
      readonly error: RecordDecodeError;
      /** Call once the record is done with (dead-lettered, or skipped): the shard's decoding goes on. */
      readonly done: () => void;
    };

/**
 * The records of one shard as its events, in order: each record's items, and a record the
 * processor cannot decode as an event of its own, queued behind the events before it. The shard's
 * later records wait until its `done()` is called (decoding pauses there, so nothing passes it);
 * then the record is settled as deserialize() settles a dead-lettered record. Only this shard
 * waits: each shard has its own.
 */
export function shardEvents(records$: Observable<KinesisRecord>): Observable<ShardEvent> {
  return new Observable<ShardEvent>((subscriber) =>
    records$
      .pipe(
        deserialize<unknown>({
          onDecodeError: (error, record) =>
            new Promise<void>((done) => subscriber.next({ kind: 'undecodable', record, error, done })),
        }),
      )
      .subscribe({
        next: (item) => subscriber.next({ kind: 'item', item }),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
  );
}
