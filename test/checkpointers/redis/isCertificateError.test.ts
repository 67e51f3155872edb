import { isCertificateError } from '../../../src/checkpointers/redis/isCertificateError.js';
import { isRetriableRedisError } from '../../../src/checkpointers/redis/isRetriableRedisError.js';
import { RedisTlsError } from '../../../src/checkpointers/redis/errors/RedisTlsError.js';

function withCode(code: string, message = 'tls failure'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isCertificateError', () => {
  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  ])('%s is a certificate error', (code) => {
    expect(isCertificateError(withCode(code))).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ERR_SSL_WRONG_VERSION_NUMBER'])(
    '%s is not',
    (code) => {
      expect(isCertificateError(withCode(code))).toBe(false);
    },
  );

  it('needs an error with a code', () => {
    expect(isCertificateError(new Error('self-signed certificate'))).toBe(false);
    expect(isCertificateError('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(false);
  });
});

describe('RedisTlsError', () => {
  it('is not retriable and says the cause, its code, the address and the remedy', () => {
    const error = new RedisTlsError(
      'renewLease',
      'db:6380',
      withCode('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      { shardId: 'shard-1' },
    );
    expect(error.retriable).toBe(false);
    expect(isRetriableRedisError(error)).toBe(false);
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(error.context).toEqual({ shardId: 'shard-1' });
    expect(error.message).toBe(
      "Redis TLS handshake with db:6380 failed: Hostname/IP does not match certificate's altnames " +
        '(ERR_TLS_CERT_ALTNAME_INVALID); certificate errors are not retried: give the CA that signed ' +
        'the server certificate as tls.ca (and tls.servername if the certificate names another host)',
    );
  });
});
