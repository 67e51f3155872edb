import { performance } from 'node:perf_hooks';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { classifyError } from '../kinesis/classifyError.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { streamParams, type StreamAddress } from '../kinesis/streamAddress.js';
import { foreignAnswer } from './foreignAnswer.js';

/** How long a CLI command keeps trying to reach Kinesis before it names the cause. */
export const REACH_TIMEOUT_MS = 5000;
/** The shortest wait for one probe's answer, even when the deadline is nearly up. */
const MIN_PROBE_MS = 1000;
/**
 * How long refused connections to this machine (a loopback address) are tried again: nothing
 * listens on that port, which is final at once but for a local Kinesis still starting (one
 * started a moment before in another terminal or by the same script), which a second covers.
 * Elsewhere a refusal may pass (a load balancer or a proxy restarting): tried for the full time.
 */
export const LOOPBACK_REFUSED_MS = 1000;

/**
 * Fails within about `timeoutMs`, naming `where` (the endpoint, without user info) and the cause
 * (refused, DNS, TLS..., or no answer at all: an endpoint that accepts connections and stays
 * silent is given up at the deadline, not after the client's 30 s request timeout), when Kinesis
 * cannot be reached, or what answers there is not Kinesis (see foreignAnswer). Any answer of
 * Kinesis, even an error, resolves: the rest is left to ensureStream. Connections refused by
 * this machine (`where` names a loopback address: 127.0.0.1, ::1, localhost) fail after about
 * LOOPBACK_REFUSED_MS.
 */
export async function checkReachable(
  client: KinesisClient,
  address: StreamAddress,
  where: string,
  timeoutMs: number = REACH_TIMEOUT_MS,
): Promise<void> {
  let deadline = performance.now() + timeoutMs;
  const loopback = isLoopback(where);
  // What answered there last, not as Kinesis: named at the deadline even if the last probe got no
  // answer (a loaded machine), since it says more than "no answer".
  let foreignSeen: { cause: string; classified: unknown } | undefined;
  const started = performance.now();
  for (;;) {
    const probe = new AbortController();
    const timer = setTimeout(() => probe.abort(), Math.max(MIN_PROBE_MS, deadline - performance.now()));
    let cause: string;
    let classified: unknown;
    try {
      await client.send(new DescribeStreamSummaryCommand(streamParams(address)), {
        abortSignal: probe.signal,
      });
      return;
    } catch (error) {
      const foreign = foreignAnswer(error);
      if (probe.signal.aborted) {
        cause = foreignSeen?.cause ?? `no answer within ${formatSeconds(timeoutMs)}`;
        classified = foreignSeen?.classified;
      } else if (foreign !== undefined) {
        // Asked again until the deadline, as a refused connection is: a proxy's error may pass.
        cause = foreign;
        classified = classifyError(error, { streamName: address.streamName });
        foreignSeen = { cause, classified };
      } else {
        const kind = classifyError(error, { streamName: address.streamName });
        if (!(kind instanceof ConnectionError)) return;
        cause = kind.message;
        classified = kind;
        if (loopback && kind.code === 'ECONNREFUSED')
          deadline = Math.min(deadline, started + LOOPBACK_REFUSED_MS);
      }
    } finally {
      clearTimeout(timer);
    }
    if (performance.now() >= deadline) {
      throw new ConnectionError(`cannot reach Kinesis at ${where}: ${cause}`, {
        ...(classified === undefined ? {} : { cause: classified }),
        context: { streamName: address.streamName },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Whether the endpoint `where` names is on this machine (a loopback address). */
function isLoopback(where: string): boolean {
  let host: string;
  try {
    host = new URL(where).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
