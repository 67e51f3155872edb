import { localAccountId, type AwsErrorAnswer } from '../awsErrors.js';

/** Error answers of the enhanced fan-out operations, worded as Kinesis words them. */

export function resourceNotFound(message: string): AwsErrorAnswer {
  return { status: 400, type: 'ResourceNotFoundException', message };
}

export function streamNotFound(streamName: string): AwsErrorAnswer {
  return resourceNotFound(`Stream ${streamName} under account ${localAccountId()} not found.`);
}

export function consumerNotFound(what: string): AwsErrorAnswer {
  return resourceNotFound(`Consumer ${what} under account ${localAccountId()} not found.`);
}

export function shardNotFound(streamName: string, shardId: string): AwsErrorAnswer {
  return resourceNotFound(
    `Shard ${shardId} in stream ${streamName} under account ${localAccountId()} does not exist`,
  );
}

export function consumerExists(consumerName: string, streamName: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ResourceInUseException',
    message: `Consumer ${consumerName} under stream ${streamName} already exists for account ${localAccountId()}.`,
  };
}

export function consumerNotActive(
  consumerName: string,
  creationSeconds: number,
  streamName: string,
): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ResourceInUseException',
    message:
      `Consumer ${consumerName} with creation timestamp ${creationSeconds} under stream: ${streamName} , ` +
      `account ${localAccountId()} is not in ACTIVE status.`,
  };
}

export function streamNotActive(streamName: string, status: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ResourceInUseException',
    message: `Stream ${streamName} under account ${localAccountId()} not ACTIVE, instead in state ${status}`,
  };
}

export function tooManyConsumers(streamName: string, limit: number): AwsErrorAnswer {
  return {
    status: 400,
    type: 'LimitExceededException',
    message: `Number of consumers for stream ${streamName} under account ${localAccountId()} has reached the limit of ${limit}.`,
  };
}

/**
 * RegisterStreamConsumer while `limit` consumers are CREATING (the API reference: "Registering a
 * 6th consumer while there are 5 in a CREATING status results in a LimitExceededException").
 */
export function tooManyCreatingConsumers(limit: number): AwsErrorAnswer {
  return {
    status: 400,
    type: 'LimitExceededException',
    message: `Account ${localAccountId()} already has ${limit} consumers in CREATING status; wait until one is ACTIVE.`,
  };
}

export function anotherSubscription(
  streamName: string,
  shardId: string,
  consumerName: string,
): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ResourceInUseException',
    message: `Another active subscription exists for this consumer: ${localAccountId()}:${streamName}:${shardId}:${consumerName}`,
  };
}

export function subscribeRateExceeded(
  streamName: string,
  shardId: string,
  consumerName: string,
): AwsErrorAnswer {
  return {
    status: 400,
    type: 'LimitExceededException',
    message: `Rate exceeded for consumer ${consumerName} and shard ${shardId} in stream ${streamName} under account ${localAccountId()}.`,
  };
}

/** A required member missing, as the request validation words it. */
export function missingMember(member: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ValidationException',
    message: `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  };
}

export function badPattern(member: string, value: unknown, pattern: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ValidationException',
    message: `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
  };
}
