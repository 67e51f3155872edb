import { CheckpointerClosedError } from '../checkpointers/errors/CheckpointerClosedError.js';
import { LeaseTableKeyError } from '../checkpointers/dynamodb/errors/LeaseTableKeyError.js';
import { LeaseTableMissingError } from '../checkpointers/dynamodb/errors/LeaseTableMissingError.js';
import { LeaseTablePermissionError } from '../checkpointers/dynamodb/errors/LeaseTablePermissionError.js';
import { RedisClientClosedError } from '../checkpointers/redis/errors/RedisClientClosedError.js';
import { RedisReplicaError } from '../checkpointers/redis/errors/RedisReplicaError.js';
import { RedisTlsError } from '../checkpointers/redis/errors/RedisTlsError.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/**
 * Whether a checkpointer's failure is one that no retry mends (a missing lease table it may not
 * create, one deleted while in use or one keyed otherwise, a permission on the table refused
 * (DescribeTable, CreateTable), a wrong TLS set-up, a Redis URL that
 * names a replica, an invalid option, the checkpointer closed, or the ioredis client given to it
 * closed by its user, which neither ioredis nor the checkpointer connects again):
 * the consumer then stops at once rather than retry for `checkpointerTimeoutMs`. Any other
 * failure, a lost lease or a call refused for one shard included, is retried as before.
 */
export function isCheckpointerMisconfigured(error: unknown): boolean {
  return (
    error instanceof LeaseTableMissingError ||
    error instanceof LeaseTableKeyError ||
    error instanceof LeaseTablePermissionError ||
    error instanceof RedisTlsError ||
    error instanceof RedisReplicaError ||
    error instanceof InvalidOptionError ||
    error instanceof CheckpointerClosedError ||
    error instanceof RedisClientClosedError
  );
}
