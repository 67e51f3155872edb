import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { localAccountId, type AwsErrorAnswer } from './awsErrors.js';

/**
 * The answer to a CreateStream refused by an account limit: ResourceInUseException when the
 * stream it names exists already (Kinesis checks that first, whatever the limits), else the
 * limit's own refusal. Asked only once a limit refuses, so a CreateStream within the limits costs
 * no extra call to the backing store.
 */
export async function createStreamRefusal(
  admin: KinesisClient,
  streamName: string,
  limitRefusal: AwsErrorAnswer,
): Promise<AwsErrorAnswer> {
  const exists = await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).then(
    () => true,
    () => false,
  );
  if (!exists) return limitRefusal;
  return {
    status: 400,
    type: 'ResourceInUseException',
    message: `Stream ${streamName} under account ${localAccountId()} already exists.`,
  };
}
