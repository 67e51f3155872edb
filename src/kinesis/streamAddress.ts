import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/** Which stream to talk to: always a name, plus the ARN parts when given an ARN. */
export interface StreamAddress {
  readonly streamName: string;
  /** Set when the address was parsed from an ARN; requests then carry it as `StreamARN`. */
  readonly streamArn?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** ARN partition: `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly partition?: string;
}

/** The stream-identifying request fields of Kinesis calls. */
export type StreamParams = { StreamName: string; StreamARN?: string } | { StreamARN: string };

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const STREAM_ARN =
  /^arn:(aws(?:-[a-z]+)*):kinesis:([a-z]{2}(?:-[a-z0-9]+)+):([0-9]{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;
const NAME_RULE = 'a stream name has 1 to 128 characters from [a-zA-Z0-9_.-]';
const ARN_RULE = 'a stream ARN looks like arn:aws:kinesis:REGION:ACCOUNT_ID(12 digits):stream/NAME';

/** True if `name` is a valid Kinesis stream name (1–128 of `[a-zA-Z0-9_.-]`). */
export function isValidStreamName(name: unknown): name is string {
  return typeof name === 'string' && STREAM_NAME.test(name);
}

/**
 * Parses a stream name or a stream ARN (`arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME`).
 * Throws InvalidOptionError, naming `option`, for anything else.
 */
export function parseStreamAddress(nameOrArn: string, option = 'streamName'): StreamAddress {
  if (typeof nameOrArn !== 'string') {
    throw new InvalidOptionError(option, nameOrArn, `expected a string: ${NAME_RULE}, or ${ARN_RULE}`);
  }
  if (nameOrArn.startsWith('arn:')) {
    const match = STREAM_ARN.exec(nameOrArn);
    if (match === null) throw new InvalidOptionError(option, nameOrArn, ARN_RULE);
    const [, partition, region, accountId, streamName] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    return { streamName, streamArn: nameOrArn, region, accountId, partition };
  }
  if (!STREAM_NAME.test(nameOrArn)) {
    throw new InvalidOptionError(option, nameOrArn, `${NAME_RULE}, or use a stream ARN`);
  }
  return { streamName: nameOrArn };
}

/**
 * The fields that identify the stream in a Kinesis request. An address parsed from an ARN sends
 * `StreamARN` (needed for streams in other accounts) together with the matching `StreamName`:
 * AWS accepts either or both, and local emulators that predate `StreamARN` still find the stream.
 */
export function streamParams(address: StreamAddress): StreamParams {
  if (address.streamArn !== undefined) {
    return { StreamName: address.streamName, StreamARN: address.streamArn };
  }
  return { StreamName: address.streamName };
}
