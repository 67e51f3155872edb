import { kplAggregator } from './aggregators/kplAggregator.js';
import { listAggregator } from './aggregators/listAggregator.js';
import { netstringAggregator } from './aggregators/netstringAggregator.js';
import { newlineAggregator } from './aggregators/newlineAggregator.js';
import { noneAggregator } from './aggregators/noneAggregator.js';
import { createProcessor, type Processor } from './Processor.js';
import { jsonSerializer, type JsonSerializerOptions } from './serializers/jsonSerializer.js';
import { msgpackSerializer } from './serializers/msgpackSerializer.js';
import type { MsgpackSerializerOptions } from './serializers/MsgpackSerializerOptions.js';
import { stringSerializer } from './serializers/stringSerializer.js';

/*
 * The processors async-kinesis ships, under the same names, with the same bytes on the wire.
 * The record limit is not theirs: the producer passes it to createAccumulator(maxRecordBytes).
 */

/** One UTF-8 string per record (async-kinesis StringProcessor). */
export function stringProcessor(): Processor<string> {
  return createProcessor('string', stringSerializer(), noneAggregator());
}

/** One JSON item per record (async-kinesis JsonProcessor). The default processor. */
export function jsonProcessor<T = unknown>(options?: JsonSerializerOptions): Processor<T> {
  return createProcessor('json', jsonSerializer<T>(options), noneAggregator());
}

/** JSON items, each followed by `\n` (async-kinesis JsonLineProcessor). */
export function jsonLineProcessor<T = unknown>(options?: JsonSerializerOptions): Processor<T> {
  return createProcessor('jsonLine', jsonSerializer<T>(options), newlineAggregator());
}

/** JSON items as one JSON array per record (async-kinesis JsonListProcessor). */
export function jsonListProcessor<T = unknown>(options?: JsonSerializerOptions): Processor<T> {
  return createProcessor('jsonList', jsonSerializer<T>(options), listAggregator());
}

/** MessagePack items in netstrings (async-kinesis MsgpackProcessor). */
export function msgpackProcessor<T = unknown>(options?: MsgpackSerializerOptions): Processor<T> {
  return createProcessor('msgpack', msgpackSerializer<T>(options), netstringAggregator());
}

/** JSON items in KPL aggregated records (async-kinesis KPLJsonProcessor, KPL/KCL, aws-kinesis-agg). */
export function kplJsonProcessor<T = unknown>(options?: JsonSerializerOptions): Processor<T> {
  return createProcessor('kplJson', jsonSerializer<T>(options), kplAggregator());
}

/** UTF-8 strings in KPL aggregated records (async-kinesis KPLStringProcessor). */
export function kplStringProcessor(): Processor<string> {
  return createProcessor('kplString', stringSerializer(), kplAggregator());
}

/** MessagePack items in KPL aggregated records. */
export function kplMsgpackProcessor<T = unknown>(options?: MsgpackSerializerOptions): Processor<T> {
  return createProcessor('kplMsgpack', msgpackSerializer<T>(options), kplAggregator());
}
