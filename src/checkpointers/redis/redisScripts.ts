import { RedisScript } from './RedisScript.js';
import { ACQUIRE_LEASE_LUA } from './scripts/acquireLease.lua.js';
import { CANCEL_HANDOFF_LUA } from './scripts/cancelHandoff.lua.js';
import { CHECKPOINT_LUA } from './scripts/checkpoint.lua.js';
import { FORGET_SHARDS_LUA } from './scripts/forgetShards.lua.js';
import { HEARTBEAT_LUA } from './scripts/heartbeat.lua.js';
import { LEAVE_GROUP_LUA } from './scripts/leaveGroup.lua.js';
import { LIVE_WORKERS_LUA } from './scripts/liveWorkers.lua.js';
import { MARK_SHARD_END_LUA } from './scripts/markShardEnd.lua.js';
import { READ_STREAM_LUA } from './scripts/readStream.lua.js';
import { RELEASE_LEASE_LUA } from './scripts/releaseLease.lua.js';
import { RENEW_LEASE_LUA } from './scripts/renewLease.lua.js';
import { REQUEST_HANDOFF_LUA } from './scripts/requestHandoff.lua.js';

/** The Lua scripts of the Redis checkpointer, one per state change or consistent read. */
export const REDIS_SCRIPTS = {
  acquire: new RedisScript('acquireLease', ACQUIRE_LEASE_LUA),
  renew: new RedisScript('renewLease', RENEW_LEASE_LUA),
  release: new RedisScript('releaseLease', RELEASE_LEASE_LUA),
  checkpoint: new RedisScript('checkpoint', CHECKPOINT_LUA),
  markShardEnd: new RedisScript('markShardEnd', MARK_SHARD_END_LUA),
  heartbeat: new RedisScript('heartbeat', HEARTBEAT_LUA),
  leaveGroup: new RedisScript('leaveGroup', LEAVE_GROUP_LUA),
  liveWorkers: new RedisScript('liveWorkers', LIVE_WORKERS_LUA),
  requestHandoff: new RedisScript('requestHandoff', REQUEST_HANDOFF_LUA),
  cancelHandoff: new RedisScript('cancelHandoff', CANCEL_HANDOFF_LUA),
  readStream: new RedisScript('readStream', READ_STREAM_LUA),
  forgetShards: new RedisScript('forgetShards', FORGET_SHARDS_LUA),
};
