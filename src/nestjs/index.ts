export {
  KinesisTransportStrategy,
  type KinesisTransportEvents,
  type KinesisTransportStatus,
} from './KinesisTransportStrategy.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_FINAL_WRITES_TIMEOUT_MS,
  DEFAULT_HANDLER_TIMEOUT_MS,
  type KinesisTransportOptions,
} from './KinesisTransportOptions.js';
export { KINESIS_TRANSPORT } from './kinesisTransport.js';
export { KinesisContext } from './KinesisContext.js';
export type { KinesisDeadLetter } from './KinesisDeadLetter.js';
export type { KinesisMessage } from './KinesisMessage.js';
export { HandlerTimeoutError } from './errors/HandlerTimeoutError.js';
export { NestUsageError } from './errors/NestUsageError.js';
export { KinesisClientProxy, type KinesisClientStatus } from './KinesisClientProxy.js';
export type { KinesisClientOptions } from './KinesisClientOptions.js';
export { KinesisEmitRecord, type KinesisEmitRecordOptions } from './KinesisEmitRecord.js';
