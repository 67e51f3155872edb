/**
 * Transport id of KinesisTransportStrategy: `@EventPattern(pattern, KINESIS_TRANSPORT)` binds a
 * handler to Kinesis only, in an application that runs several transports.
 */
export const KINESIS_TRANSPORT: unique symbol = Symbol('KINESIS_TRANSPORT');
