import type { ShardCheckpoint } from '../Checkpointer.js';
import type { LeaseState } from '../LeaseCoordinator.js';

/**
 * A shard hash (flat HGETALL reply) as a LeaseState, judged at the server time `now`: an expired
 * lease has no owner (its last owner is `lapsedOwner`), a stale handoff request or a run-out reservation is left out. Undefined
 * when nothing is left to show.
 */
export function parseLeaseState(shardId: string, flat: unknown, now: number): LeaseState | undefined {
  const fields = new Map<string, string>();
  if (Array.isArray(flat))
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]));

  const owner = fields.get('owner');
  const expiresAt = toNumber(fields.get('expires'));
  const live = owner !== undefined && expiresAt !== undefined && expiresAt > now;

  let checkpoint: ShardCheckpoint | undefined;
  if (fields.get('end') === '1') checkpoint = { kind: 'shard-end' };
  else {
    const sequenceNumber = fields.get('seq');
    const sub = toNumber(fields.get('sub'));
    if (sequenceNumber !== undefined)
      checkpoint = {
        kind: 'position',
        position: sub === undefined ? { sequenceNumber } : { sequenceNumber, subSequenceNumber: sub },
      };
  }

  const requester = fields.get('hreq');
  const deadline = toNumber(fields.get('hdeadline'));
  const window = toNumber(fields.get('hexpires'));
  const handoff =
    live && requester !== undefined && deadline !== undefined && window !== undefined && window > now
      ? { requester, deadline }
      : undefined;

  const reservedFor = fields.get('rsv');
  const reservedUntil = toNumber(fields.get('rsvuntil'));
  const reservation =
    !live && reservedFor !== undefined && reservedUntil !== undefined && reservedUntil > now
      ? { worker: reservedFor, until: reservedUntil }
      : undefined;

  // Release deletes the owner: one still stored on a lease that is not live ran out.
  const lapsedOwner = !live && owner !== undefined ? owner : undefined;

  if (!live && checkpoint === undefined && reservation === undefined && lapsedOwner === undefined)
    return undefined;
  return {
    shardId,
    ...(live ? { owner, expiresAt } : {}),
    ...(lapsedOwner !== undefined ? { lapsedOwner } : {}),
    ...(checkpoint !== undefined ? { checkpoint } : {}),
    ...(handoff !== undefined ? { handoff } : {}),
    ...(reservation !== undefined ? { reservation } : {}),
  };
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}
