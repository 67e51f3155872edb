/** Hash key of the workers table beside a lease table. */
export const WORKERS_HASH_KEY = 'workerId';
