import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { answerOfSdkError, invalidArgument, type AwsErrorAnswer } from './awsErrors.js';
import { parseConsumerArn } from './efo/consumerArn.js';
import { consumerNotFound, missingMember } from './efo/fanOutErrors.js';
import { firstRefusal } from './modelValidation.js';
import { checkPolicyDocument } from './policyDocument.js';
import { typeMismatch } from './serializationErrors.js';
import { streamNameOfArn } from './streamArn.js';
import { parseResourceArn } from './tagRequests.js';
import { errorAnswer, jsonAnswer, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';

/** The resource-policy operations, all answered by the front. */
export const POLICY_OPERATIONS = new Set(['PutResourcePolicy', 'GetResourcePolicy', 'DeleteResourcePolicy']);

/** What GetResourcePolicy answers for a resource with no policy attached. */
const NO_POLICY = '{}';

export interface ResourcePoliciesOptions {
  /** The backing store, asked whether a stream exists. */
  readonly admin: KinesisClient;
  /** Whether a stream consumer with this ARN is registered. */
  readonly hasConsumer: (consumerArn: string) => boolean;
}

/**
 * The resource-based policies of streams and stream consumers (by ARN), kept by the front:
 * kinesalite has none. Checked as AWS checks them (ARN pattern, resource existence, a policy
 * document with statements) but not enforced: the local endpoint serves a single account.
 */
export class ResourcePolicies {
  /** Policy text by resource: `stream/<name>` or a consumer ARN. */
  private readonly policies = new Map<string, string>();

  constructor(private readonly options: ResourcePoliciesOptions) {}

  async answer(operation: string, payload: JsonObject): Promise<UpstreamAnswer> {
    this.pruneConsumers();
    const arn = parseResourceArn(payload.ResourceARN);
    const { Policy: given } = payload;
    // The model check of both members first, in one ValidationException.
    const missingPolicy =
      operation === 'PutResourcePolicy' && (given === undefined || given === null)
        ? missingMember('policy')
        : undefined;
    const invalid = firstRefusal(typeof arn === 'string' ? undefined : arn, missingPolicy);
    if (invalid !== undefined || typeof arn !== 'string')
      return errorAnswer(invalid ?? missingMember('resourceARN'));
    let policy: string | undefined;
    if (operation === 'PutResourcePolicy') {
      if (typeof given !== 'string')
        return errorAnswer(typeMismatch('String', given) ?? missingMember('policy'));
      const problem = checkPolicyDocument(given);
      if (problem !== undefined) return errorAnswer(invalidArgument(`Invalid policy document: ${problem}`));
      policy = given;
    }
    const key = await this.resourceKey(arn);
    if (typeof key !== 'string') return errorAnswer(key);
    switch (operation) {
      case 'PutResourcePolicy':
        this.policies.set(key, policy ?? NO_POLICY);
        return emptyAnswer();
      case 'DeleteResourcePolicy':
        this.policies.delete(key);
        return emptyAnswer();
      default:
        return jsonAnswer(200, { Policy: this.policies.get(key) ?? NO_POLICY });
    }
  }

  /** Drops a stream's policy (it was deleted, or created anew). */
  forgetStream(streamName: string): void {
    this.policies.delete(streamKey(streamName));
  }

  /** The key a resource's policy is kept under, once the resource is known to exist; or the refusal. */
  private async resourceKey(arn: string): Promise<string | AwsErrorAnswer> {
    if (parseConsumerArn(arn) !== undefined) {
      return this.options.hasConsumer(arn) ? arn : consumerNotFound(arn);
    }
    const streamName = streamNameOfArn(arn);
    if (streamName === undefined) return invalidArgument(`Invalid ResourceARN: ${arn}`);
    try {
      await this.options.admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    } catch (error) {
      return answerOfSdkError(error);
    }
    return streamKey(streamName);
  }

  /** Drops the policies of consumers no longer registered. */
  private pruneConsumers(): void {
    for (const key of this.policies.keys()) {
      if (!key.startsWith(STREAM_PREFIX) && !this.options.hasConsumer(key)) this.policies.delete(key);
    }
  }
}

const STREAM_PREFIX = 'stream/';

function streamKey(streamName: string): string {
  return `${STREAM_PREFIX}${streamName}`;
}

/** An answer with no body, as Kinesis answers PutResourcePolicy and DeleteResourcePolicy. */
function emptyAnswer(): UpstreamAnswer {
  return { ...jsonAnswer(200, {}), body: Buffer.alloc(0) };
}
