import { of } from 'rxjs';
import { deserialize, jsonProcessor } from '../src/index.js';
const record = { data: Buffer.from('{"a":1}'), sequenceNumber: '1', partitionKey: 'k', shardId: 'shardId-000000000000', approximateArrivalTimestamp: new Date(), streamName: 's' } as never;
of(record).pipe(deserialize(jsonProcessor()), deserialize(jsonProcessor())).subscribe({ next: (v) => console.log('next', v), error: (e) => console.log('error:', e.name, e.message) });
of(1 as never).pipe(deserialize(jsonProcessor())).subscribe({ next: (v) => console.log('next', v), error: (e) => console.log('error:', e.name, e.message) });
of('text' as never).pipe(deserialize(jsonProcessor())).subscribe({ next: (v) => console.log('next', v), error: (e) => console.log('error:', e.name, e.message) });
