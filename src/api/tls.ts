/**
 * @module api/tls
 * TLS material for the HTTPS listener: the operator's certificate and key when given, otherwise
 * a self-signed ECDSA P-256 / SHA-256 certificate generated on first start and kept in the data
 * dir (key mode 0600). The listener accepts TLS 1.2 and later only.
 */
import fs from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';

export const TLS_MIN_VERSION = 'TLSv1.2' as const;

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** Where the certificate lives, so clients can trust it. */
  readonly certFile: string;
}

export async function loadTlsMaterial(input: { dataDir: string; certFile?: string; keyFile?: string }): Promise<TlsMaterial> {
  if (input.certFile && input.keyFile) {
    return { cert: fs.readFileSync(input.certFile, 'utf8'), key: fs.readFileSync(input.keyFile, 'utf8'), certFile: input.certFile };
  }
  const dir = path.join(input.dataDir, 'tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8'), certFile };
  }
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 2);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'openfc' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  } as Parameters<typeof selfsigned.generate>[1]);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  fs.writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, certFile };
}
