import { isError } from '../../../errors/redact.js';
import { RxjsKinesisError, type ErrorContext } from '../../../errors/RxjsKinesisError.js';

/**
 * The TLS handshake with Redis failed on the certificate: self-signed, issued by a CA the client
 * does not trust, expired, or made out for another host name. Not retriable: repeating the
 * call cannot fix it. Give the CA (and, when the certificate names another host, `servername`)
 * in the RedisCheckpointer's `tls` option. The cause (with its code) is in the message.
 */
export class RedisTlsError extends RxjsKinesisError {
  readonly operation: string;
  /** `host:port` of the Redis server. */
  readonly address: string;
  /** The TLS error code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT` or `ERR_TLS_CERT_ALTNAME_INVALID`. */
  readonly code: string | undefined;

  constructor(operation: string, address: string, cause: unknown, context: ErrorContext = {}) {
    const code = codeOf(cause);
    const reason = isError(cause) ? cause.message : String(cause);
    super(
      `Redis TLS handshake with ${address} failed: ${reason}${code === undefined || reason.includes(code) ? '' : ` (${code})`}; ` +
        'certificate errors are not retried: give the CA that signed the server certificate as tls.ca ' +
        '(and tls.servername if the certificate names another host)',
      { retriable: false, cause, context },
    );
    this.operation = operation;
    this.address = address;
    this.code = code;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
