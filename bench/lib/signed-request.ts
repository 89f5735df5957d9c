// One signed FC request over a fresh connection (benchmarks that measure starts, not throughput).
import http from 'node:http';
import { signHeaders, type BenchCredentials } from './acs3.js';

export interface SignedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function sendSigned(creds: BenchCredentials, method: string, pathname: string, action: string, body: Buffer, contentType = 'application/json'): Promise<SignedResponse> {
  const headers = signHeaders(creds, method, pathname, action, body, contentType);
  const [hostname, port] = creds.host.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port: Number(port), method, path: pathname, headers: { ...headers, 'content-length': String(body.length) }, agent: false }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
