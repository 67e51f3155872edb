import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { redactText } from '../../errors/redact.js';
import { streamParams, type StreamAddress } from '../../kinesis/streamAddress.js';

/**
 * Deletes the stream the demo created. A stream already gone counts as deleted. Any other failure
 * (a refusal, an answer that never came) is written to `errors` with the stream's name and how to
 * delete it, so that a stream billed by the hour is never left behind without a word; the demo's
 * exit status is left as it is.
 */
export async function deleteDemoStream(
  client: KinesisClient,
  address: StreamAddress,
  errors: { write(text: string): unknown },
): Promise<void> {
  try {
    await client.send(new DeleteStreamCommand(streamParams(address)));
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'ResourceNotFoundException') return;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    errors.write(
      `could not delete the demo's stream ${address.streamName} (${redactText(reason)}); ` +
        `delete it yourself, e.g. aws kinesis delete-stream --stream-name ${address.streamName}\n`,
    );
  }
}
