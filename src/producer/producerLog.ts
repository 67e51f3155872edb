import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { LogLevel, Logger } from '../logging/Logger.js';
import { type LogDetails, writeLog } from '../logging/writeLog.js';
import { describeThrown } from '../errors/describeThrown.js';

/** Writes a producer log line naming the stream (nothing without a logger). */
export function producerLog(
  logger: Logger | undefined,
  streamName: string,
  level: LogLevel,
  message: string,
  details: LogDetails,
): void {
  writeLog(logger, level, message, { streamName, ...details });
}

/** An unexpected throw from engine work, as the RxjsKinesisError it is reported as. */
export function producerFailure(error: unknown, streamName: string): RxjsKinesisError {
  return error instanceof RxjsKinesisError
    ? error
    : new RxjsKinesisError(`Producer failure: ${describeThrown(error)}`, {
        cause: error,
        context: { streamName },
      });
}
