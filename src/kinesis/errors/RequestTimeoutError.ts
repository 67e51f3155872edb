import { ConnectionError } from './ConnectionError.js';

/**
 * A request to Kinesis got no answer within its deadline (the client's `connectTimeout` or
 * `requestTimeout`), or the server answered HTTP 408. A kind of ConnectionError: retriable, and
 * the call may or may not have taken effect (a producer marks such records `possibleDuplicate`).
 */
export class RequestTimeoutError extends ConnectionError {}
