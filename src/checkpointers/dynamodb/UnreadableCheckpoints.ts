import type { Logger } from '../../logging/Logger.js';
import { writeLog } from '../../logging/writeLog.js';
import { unreadableCheckpointOf, type LeaseItem } from './kclLeaseItem.js';

/** Longest part of an unreadable checkpoint shown in the warning. */
const SHOWN_CHARS = 128;
/** Items and values remembered as warned of: past it, the memory starts afresh (warning again). */
const MAX_REMEMBERED = 1_000;

/**
 * Warns through the logger of a lease item whose `checkpoint` cannot be read (neither a sequence
 * number nor a KCL sentinel, or not a string: edited by hand), which reads as no checkpoint, so
 * the consumer's configured start applies: once per item and value. Bounded: MAX_REMEMBERED
 * entries of at most SHOWN_CHARS of the value each.
 */
export class UnreadableCheckpoints {
  private readonly warned = new Set<string>();

  constructor(private readonly logger: Logger | undefined) {}

  check(table: string, streamName: string, shardId: string | undefined, item: LeaseItem): void {
    if (this.logger === undefined || shardId === undefined) return;
    const unreadable = unreadableCheckpointOf(item);
    if (unreadable === undefined) return;
    const shown = unreadable.value.slice(0, SHOWN_CHARS);
    const key = `${table}\u0000${shardId}\u0000${unreadable.type}\u0000${shown}`;
    if (this.warned.has(key)) return;
    if (this.warned.size >= MAX_REMEMBERED) this.warned.clear();
    this.warned.add(key);
    writeLog(
      this.logger,
      'warn',
      'DynamoDB lease item holds a checkpoint that is neither a sequence number nor a KCL sentinel: read as no checkpoint',
      {
        tableName: table,
        streamName,
        shardId,
        type: unreadable.type,
        checkpoint: shown,
      },
    );
  }
}
