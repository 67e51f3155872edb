import { KplDecodeError } from '../errors/KplDecodeError.js';
import { readVarint, skipVarint, type VarintCursor } from './kplVarint.js';

/*
 * Fields of the KPL protobuf that the decoder does not read (unknown field numbers, or known
 * ones with another wire type) are skipped, as protobuf readers skip them (the KCL's
 * protobuf-java, aws-kinesis-agg's protobufjs): whatever value a varint holds, and groups (the
 * deprecated wire types 3 and 4), nested or not. Groups nest at most 100 deep, counting the
 * sub-record a group is in as one level: protobuf-java (the KCL's reader) refuses deeper nesting
 * with its default recursion limit, and a hostile record of nested group starts is refused within
 * its first hundred bytes rather than walked to its end.
 */

/** protobuf-java's default recursion limit, which it applies to groups it skips. */
const MAX_NESTING = 100;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

/**
 * Skips the value of a field this decoder does not read; returns the offset after it. `depth`:
 * how deep the message holding the field nests (0 for the aggregated record, 1 in a sub-record).
 */
export function skipField(
  body: Uint8Array,
  tag: number,
  offset: number,
  limit: number,
  cursor: VarintCursor,
  depth: number,
): number {
  const at = offset;
  const wireType = tag & 7;
  if (tag < 8) throw new KplDecodeError('invalid field number 0', at);
  if (wireType === WIRE_VARINT) return skipVarint(body, offset);
  if (wireType === WIRE_LENGTH_DELIMITED) {
    const length = readVarint(body, offset, cursor);
    const valueEnd = cursor.end + length;
    if (valueEnd > limit) {
      throw new KplDecodeError(`length-delimited field of ${length} bytes is truncated`, at);
    }
    return valueEnd;
  }
  if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
    const valueEnd = offset + (wireType === WIRE_FIXED64 ? 8 : 4);
    if (valueEnd > limit) throw new KplDecodeError('truncated fixed field', at);
    return valueEnd;
  }
  if (wireType === WIRE_START_GROUP) return skipGroup(body, tag, offset, limit, cursor, depth);
  if (wireType === WIRE_END_GROUP) throw new KplDecodeError('end of a group that was not started', at);
  throw new KplDecodeError(`unsupported wire type ${wireType}`, at);
}

/**
 * Skips a group's fields up to the end tag of its field number; groups inside it are followed
 * on a list of the open ones (no recursion), to MAX_NESTING levels. Returns the offset after the
 * end tag.
 */
function skipGroup(
  body: Uint8Array,
  startTag: number,
  offset: number,
  limit: number,
  cursor: VarintCursor,
  depth: number,
): number {
  const at = offset;
  const open = [Math.floor(startTag / 8)];
  while (open.length > 0) {
    if (offset >= limit) throw new KplDecodeError('group without its end', at);
    const tagAt = offset;
    const tag = readVarint(body, offset, cursor);
    offset = cursor.end;
    const wireType = tag & 7;
    if (tag < 8) throw new KplDecodeError('invalid field number 0', tagAt);
    if (wireType === WIRE_START_GROUP) {
      if (depth + open.length >= MAX_NESTING) {
        throw new KplDecodeError(`groups nested more than ${MAX_NESTING} deep`, tagAt);
      }
      open.push(Math.floor(tag / 8));
    } else if (wireType === WIRE_END_GROUP) {
      if (Math.floor(tag / 8) !== open.pop()) {
        throw new KplDecodeError('end of a group that does not match its start', tagAt);
      }
    } else offset = skipField(body, tag, offset, limit, cursor, depth);
  }
  if (offset > limit) throw new KplDecodeError('group overruns its message', at);
  return offset;
}
