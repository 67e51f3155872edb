import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { requireOptional } from '../optional/requireOptional.js';
import { KinesaliteStatusTimers, type KinesaliteStore } from './KinesaliteStatusTimers.js';
import { readStoredStreams, type StoredStream, type StreamRecordTable } from './storedStreams.js';

interface KinesaliteOptions {
  readonly createStreamMs?: number;
  readonly deleteStreamMs?: number;
  readonly updateStreamMs?: number;
  readonly shardLimit?: number;
}

/** A kinesalite server, and the timers of the stream status changes it has pending. */
export interface LoadedKinesalite {
  readonly server: Server;
  /** Cancel them (close()) when the server is closed: kinesalite keeps no handle of them. */
  readonly statusTimers: KinesaliteStatusTimers;
  /** The stream records of its store, read from the store itself (one pass, no requests). */
  readonly storedStreams: () => Promise<StoredStream[]>;
}

const FEATURE = 'The local Kinesis (startLocalKinesis)';

/**
 * kinesalite, loaded on first call: it is an optional peer dependency, needed only by the
 * embedded local Kinesis (`rxjs-kinesis/local`, the CLI's `local` and `demo`). Throws
 * MissingPeerDependencyError ("npm install kinesalite") when it is not installed.
 */
export function kinesalite(options: KinesaliteOptions): LoadedKinesalite {
  const create = requireOptional<(options: KinesaliteOptions) => Server>('kinesalite', FEATURE);
  // kinesalite makes its store (db.create) inside the call and keeps it to itself: it is
  // picked up on the way, for the status timers to be taken from it.
  const db = requireOptional<{ create: (options: KinesaliteOptions) => KinesaliteStore }>(
    'kinesalite/db',
    FEATURE,
  );
  const createStore = db.create;
  let store: KinesaliteStore | undefined;
  db.create = (storeOptions) => (store = createStore(storeOptions));
  let server: Server;
  try {
    server = create(options);
  } finally {
    db.create = createStore;
  }
  const table = store?.metaDb as Partial<StreamRecordTable> | undefined;
  if (
    store === undefined ||
    typeof store.metaDb?.put !== 'function' ||
    typeof table?.createValueStream !== 'function'
  ) {
    throw new RxjsKinesisError(
      'kinesalite did not make its store as kinesalite 3 does; install kinesalite 3 (npm install kinesalite@3)',
    );
  }
  quietCutOffRequests(server);
  const statusTimers = new KinesaliteStatusTimers();
  statusTimers.adopt(store);
  const records = table as StreamRecordTable;
  return { server, statusTimers, storedStreams: () => readStoredStreams(records) };
}

/**
 * kinesalite throws from its request's 'error' listener, so a request cut off before its body
 * ended (its client gone: the front's close, a forwarding deadline, a killed client) threw
 * `aborted` out of the process that runs the local Kinesis. Here such a request only ends its
 * response: there is nobody left to answer.
 */
function quietCutOffRequests(server: Server): void {
  const handlers = server.listeners('request') as ((
    request: IncomingMessage,
    response: ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    for (const handler of handlers) handler.call(server, request, response);
    request.removeAllListeners('error');
    request.on('error', () => response.destroy());
  });
}
