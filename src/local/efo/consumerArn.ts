/** The parts of a stream consumer ARN: `<stream ARN>/consumer/<name>:<creation epoch seconds>`. */
export interface ConsumerArnParts {
  readonly streamArn: string;
  readonly streamName: string;
  readonly consumerName: string;
  readonly creationSeconds: number;
}

const CONSUMER_ARN =
  /^(arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/([a-zA-Z0-9_.-]{1,128}))\/consumer\/([a-zA-Z0-9_.-]{1,128}):(\d{1,20})$/;

export function consumerArn(streamArn: string, consumerName: string, creationMs: number): string {
  return `${streamArn}/consumer/${consumerName}:${Math.floor(creationMs / 1000)}`;
}

/** The parts of a consumer ARN, or undefined if `arn` is not one. */
export function parseConsumerArn(arn: string): ConsumerArnParts | undefined {
  const match = CONSUMER_ARN.exec(arn);
  if (match === null) return undefined;
  return {
    streamArn: match[1]!,
    streamName: match[2]!,
    consumerName: match[3]!,
    creationSeconds: Number(match[4]),
  };
}
