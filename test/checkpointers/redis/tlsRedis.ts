// A throwaway CA and server certificates made with openssl at run time (in a temporary
// directory, deleted on close), and redis-server instances serving TLS with them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  readonly dir: string;
  /** PEM of the CA that signed `server`. */
  readonly ca: string;
  /** Signed by the CA, made out for `serverName` only (not for 127.0.0.1). */
  readonly server: { readonly cert: string; readonly key: string };
  /** Self-signed, made out for 127.0.0.1. */
  readonly selfSigned: { readonly cert: string; readonly key: string };
  readonly serverName: string;
  close(): Promise<void>;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'rxjs-kinesis-tls-'));
  const file = (name: string) => join(dir, name);
  const serverName = 'redis.internal';
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...KEY,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=rxjs-kinesis test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', [
      'req',
      ...KEY,
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      `/CN=${serverName}`,
    ]);
    await writeFile(file('server.ext'), `subjectAltName=DNS:${serverName}\nextendedKeyUsage=serverAuth\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.crt'),
      '-days',
      '1',
      '-extfile',
      file('server.ext'),
    ]);
    await run('openssl', [
      'req',
      '-x509',
      ...KEY,
      '-keyout',
      file('self.key'),
      '-out',
      file('self.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    const read = (name: string) => readFile(file(name), 'utf8');
    return {
      dir,
      ca: await read('ca.crt'),
      server: { cert: file('server.crt'), key: file('server.key') },
      selfSigned: { cert: file('self.crt'), key: file('self.key') },
      serverName,
      close: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface TlsRedisServer {
  readonly port: number;
  close(): Promise<void>;
}

/** redis-server listening with TLS only, on a free loopback port, with the given cert/key files. */
export async function startTlsRedis(
  certificate: { readonly cert: string; readonly key: string },
  extraArgs: readonly string[] = [],
): Promise<TlsRedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--tls-cert-file',
      certificate.cert,
      '--tls-key-file',
      certificate.key,
      '--tls-ca-cert-file',
      certificate.cert,
      '--tls-auth-clients',
      'no',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return {
    port,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
