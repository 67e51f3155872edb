import type { Lease } from '../Checkpointer.js';
import { LeaseLostError } from '../errors/LeaseLostError.js';
import type { HandoffRequestResult } from '../LeaseCoordinator.js';
import { RedisCommandError } from './errors/RedisCommandError.js';

/**
 * Turns the replies of the lease scripts into values and typed errors, in one place. Scripts
 * answer arrays whose first element is a status code; a negative code is a failure:
 *
 * | code | meaning     | error                                                  |
 * | ---- | ----------- | ------------------------------------------------------ |
 * | -1   | lease lost  | LeaseLostError (actualOwner = the live holder, if any) |
 *
 * Any reply that does not have the documented shape raises RedisCommandError.
 */
export const LEASE_LOST = -1;

/** Outcome of the acquire script. */
export type AcquireOutcome =
  | { readonly kind: 'acquired'; readonly token: string; readonly expiresAt: number }
  | {
      readonly kind: 'taken-over';
      readonly token: string;
      readonly expiresAt: number;
      readonly previousOwner: string;
    }
  | { readonly kind: 'refused'; readonly holder: string };

export function parseAcquireReply(reply: unknown): AcquireOutcome {
  const [code, ...rest] = statusReply(reply, 'acquireLease');
  if (code === 0) return { kind: 'refused', holder: text(rest[0], 'acquireLease') };
  const token = text(rest[0], 'acquireLease');
  const expiresAt = millis(rest[1], 'acquireLease');
  if (code === 1) return { kind: 'acquired', token, expiresAt };
  if (code === 2)
    return { kind: 'taken-over', token, expiresAt, previousOwner: text(rest[2], 'acquireLease') };
  throw unexpected('acquireLease', reply);
}

/**
 * The reply's values after the status code when the lease was still ours; LeaseLostError when
 * the script answered "lease lost".
 */
export function ownedReply(
  reply: unknown,
  lease: Lease,
  operation: string,
): { code: number; values: unknown[] } {
  const [code, ...values] = statusReply(reply, operation);
  if (code === LEASE_LOST) {
    const holder = values[0];
    throw new LeaseLostError({
      streamName: lease.streamName,
      shardId: lease.shardId,
      expectedOwner: lease.owner,
      actualOwner: typeof holder === 'string' ? holder : undefined,
    });
  }
  if (code < 0) throw unexpected(operation, reply);
  return { code, values };
}

export function parseHandoffReply(reply: unknown): HandoffRequestResult {
  const operation = 'requestHandoff';
  const [code, ...rest] = statusReply(reply, operation);
  switch (code) {
    case 0:
      return { status: 'free' };
    case 1:
    case 2:
      return {
        status: code === 1 ? 'requested' : 'already-requested',
        owner: text(rest[0], operation),
        deadline: millis(rest[1], operation),
      };
    case 3:
      return {
        status: 'other-request-pending',
        owner: text(rest[0], operation),
        deadline: millis(rest[1], operation),
        requester: text(rest[2], operation),
      };
    case 4:
      return { status: 'own', owner: text(rest[0], operation) };
    default:
      throw unexpected(operation, reply);
  }
}

/** Epoch milliseconds from a script's decimal string (or integer) reply. */
export function millis(value: unknown, operation: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw unexpected(operation, value);
  return number;
}

/** The strings of an array reply, in code-unit order. */
export function sortedStrings(reply: unknown): string[] {
  const strings = Array.isArray(reply)
    ? reply.filter((item): item is string => typeof item === 'string')
    : [];
  return strings.sort(compareText);
}

export function text(value: unknown, operation: string): string {
  if (typeof value !== 'string') throw unexpected(operation, value);
  return value;
}

function statusReply(reply: unknown, operation: string): [number, ...unknown[]] {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number') throw unexpected(operation, reply);
  return reply as [number, ...unknown[]];
}

function unexpected(operation: string, reply: unknown): RedisCommandError {
  return new RedisCommandError(operation, `unexpected script reply ${JSON.stringify(reply)}`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
