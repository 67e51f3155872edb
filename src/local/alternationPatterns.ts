import type { UpstreamAnswer } from './UpstreamAnswer.js';

type JsonObject = Record<string, unknown>;

interface PatternMember {
  /** The request field. */
  readonly field: string;
  /** The member as validation messages name it. */
  readonly member: string;
  /** The model's pattern, an alternation. */
  readonly pattern: string;
}

/**
 * Members whose model pattern is an alternation, `0|([1-9]\d{0,n})`, which kinesalite matches as
 * `^0|([1-9]\d{0,n})$`: any value that starts with 0 or ends in a short run of digits passes
 * (`0123`, `x99`, 42 digits). Kinesis matches the whole value. (PutRecord and PutRecords are
 * checked by the front itself: writeRequestModel.)
 */
const ALTERNATION_MEMBERS: Readonly<Record<string, PatternMember>> = {
  GetShardIterator: {
    field: 'StartingSequenceNumber',
    member: 'startingSequenceNumber',
    pattern: '0|([1-9]\\d{0,128})',
  },
  SplitShard: { field: 'NewStartingHashKey', member: 'newStartingHashKey', pattern: '0|([1-9]\\d{0,38})' },
};

/** A value no reading of the pattern matches. */
const STAND_IN = 'x';

/** The request to pass on instead, and how to put the real value back into its answer. */
export interface PatternStandIn {
  readonly body: Buffer;
  restore(answer: UpstreamAnswer): UpstreamAnswer;
}

/**
 * For a request whose alternation member breaks the whole-value pattern though kinesalite would
 * let it through: the same request with that member replaced by a value kinesalite refuses too,
 * so that its ValidationException lists this member with every other broken one (as Kinesis
 * does, in one answer), and nothing is carried out; `restore` shows the real value in it.
 * Undefined when the member is absent, not a string, or well-formed.
 */
export function patternStandIn(operation: string, payload: JsonObject): PatternStandIn | undefined {
  const spec = ALTERNATION_MEMBERS[operation];
  if (spec === undefined) return undefined;
  const value = payload[spec.field];
  if (typeof value !== 'string' || new RegExp(`^(?:${spec.pattern})$`).test(value)) return undefined;
  const body = Buffer.from(JSON.stringify({ ...payload, [spec.field]: STAND_IN }));
  return {
    body,
    restore(answer) {
      const standIn = JSON.stringify(`Value '${STAND_IN}' at '${spec.member}'`).slice(1, -1);
      const real = JSON.stringify(`Value '${value}' at '${spec.member}'`).slice(1, -1);
      const text = answer.body.toString('utf8');
      if (!text.includes(standIn)) return answer;
      return { ...answer, body: Buffer.from(text.replace(standIn, () => real)) };
    },
  };
}
