import { isError } from '../../errors/redact.js';

/** OpenSSL verification codes (as Node reports them) that mean "this certificate is not trusted". */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

/**
 * Whether a connection error is a certificate failure of the TLS handshake (self-signed, unknown
 * CA, expired, host name mismatch, or the server refusing the client's certificate): a
 * configuration error that no retry can fix.
 */
export function isCertificateError(error: unknown): boolean {
  if (!isError(error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (CERTIFICATE_CODES.has(code)) return true;
  return code.startsWith('ERR_SSL_') && /CERTIFICATE|UNKNOWN_CA|BAD_CERT/.test(code);
}
