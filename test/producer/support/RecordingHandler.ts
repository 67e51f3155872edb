import type { HttpHandlerOptions } from '@smithy/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A request the SDK handed to the handler: the API it calls and the signal it was given. */
export interface RecordedRequest {
  readonly api: string;
  readonly signal: AbortSignal | undefined;
  answered: boolean;
}

/**
 * The SDK's default HTTP/1.1 handler (no deadlines of its own, as in a client of the caller's
 * own), noting each request and the AbortSignal it came with.
 */
export class RecordingHandler extends NodeHttpHandler {
  readonly requests: RecordedRequest[] = [];

  override handle(
    request: Parameters<NodeHttpHandler['handle']>[0],
    options: HttpHandlerOptions = {},
  ): ReturnType<NodeHttpHandler['handle']> {
    const target = request.headers['x-amz-target'] ?? '';
    const recorded: RecordedRequest = {
      api: target.replace(/^Kinesis_\d+\./, ''),
      signal: options.abortSignal as AbortSignal | undefined,
      answered: false,
    };
    this.requests.push(recorded);
    const answer = super.handle(request, options);
    answer.then(
      () => (recorded.answered = true),
      () => undefined,
    );
    return answer;
  }
}
