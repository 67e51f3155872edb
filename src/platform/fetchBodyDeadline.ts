/**
 * The error of an answer whose body stopped arriving: no bytes for `ms` (the request timeout).
 * Named as the SDK names its own deadlines (`TimeoutError`, "timeout" in the text), so that it is
 * classified as a retriable RequestTimeoutError.
 */
export function bodyTimeoutError(ms: number): Error {
  return Object.assign(
    new Error(`Kinesis answer paused: no bytes of it within the ${ms} ms request timeout`),
    {
      name: 'TimeoutError',
    },
  );
}

/**
 * `body` (a fetch answer's stream) with a deadline on each pause: when no bytes arrive for `ms`,
 * `onTimeout` is told (it aborts the fetch) and the stream fails with bodyTimeoutError(). fetch
 * itself waits for ever for a body that stops half-way. `onEnd` is called once the body is read,
 * has failed or is cancelled.
 */
export function withBodyDeadline(
  body: ReadableStream<Uint8Array>,
  ms: number,
  onTimeout: (error: Error) => void,
  onEnd: () => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timedOut: Error | undefined;
      const timer = setTimeout(() => {
        timedOut = bodyTimeoutError(ms);
        onTimeout(timedOut);
        reader.cancel(timedOut).catch(() => undefined);
      }, ms);
      try {
        const { done, value } = await reader.read();
        if (timedOut !== undefined) throw timedOut;
        if (done) {
          controller.close();
          end();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        controller.error(timedOut ?? error);
        end();
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
}
