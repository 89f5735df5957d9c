// The floors of the warm-invoke benchmark, in one file: `bare` (the handler in a node:http
// server), `http-hop` and `frame-hop` (a one-hop proxy to a second process over a unix socket,
// speaking HTTP/1.1 or length-prefixed frames). Usage: node floors.cjs <kind> <role> <socket>.
'use strict';
const http = require('http');
const net = require('net');
const fs = require('fs');
const [kind, role, sock] = process.argv.slice(2);
const handler = async (event) => event;

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
function listenPublic(onRequest) {
  const server = http.createServer(onRequest);
  server.keepAliveTimeout = 65000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
}

if (kind === 'bare') {
  listenPublic(async (req, res) => res.end(await handler(await readBody(req))));
} else if (kind === 'http-hop' && role === 'backend') {
  try { fs.unlinkSync(sock); } catch {}
  const s = http.createServer(async (req, res) => res.end(await handler(await readBody(req))));
  s.keepAliveTimeout = 65000;
  s.listen(sock, () => process.stdout.write('ready 0\n'));
} else if (kind === 'http-hop' && role === 'proxy') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  listenPublic(async (req, res) => {
    const body = await readBody(req);
    const up = http.request({ socketPath: sock, method: 'POST', path: '/', agent, headers: { 'content-length': body.length } }, async (r) => res.end(await readBody(r)));
    up.end(body);
  });
} else if (kind === 'frame-hop' && role === 'backend') {
  try { fs.unlinkSync(sock); } catch {}
  net.createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 8 && buf.length >= 8 + buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        const id = buf.readUInt32BE(4);
        const body = buf.subarray(8, 8 + len);
        buf = buf.subarray(8 + len);
        handler(body).then((out) => {
          const h = Buffer.allocUnsafe(8);
          h.writeUInt32BE(out.length, 0);
          h.writeUInt32BE(id, 4);
          c.write(Buffer.concat([h, out]));
        });
      }
    });
  }).listen(sock, () => process.stdout.write('ready 0\n'));
} else if (kind === 'frame-hop' && role === 'proxy') {
  const pending = new Map();
  let nextId = 1;
  let buf = Buffer.alloc(0);
  const up = net.connect(sock);
  up.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 8 && buf.length >= 8 + buf.readUInt32BE(0)) {
      const len = buf.readUInt32BE(0);
      const id = buf.readUInt32BE(4);
      const res = pending.get(id);
      pending.delete(id);
      res.end(buf.subarray(8, 8 + len));
      buf = buf.subarray(8 + len);
    }
  });
  listenPublic(async (req, res) => {
    const body = await readBody(req);
    const id = nextId++;
    pending.set(id, res);
    const h = Buffer.allocUnsafe(8);
    h.writeUInt32BE(body.length, 0);
    h.writeUInt32BE(id, 4);
    up.write(Buffer.concat([h, body]));
  });
} else {
  process.stderr.write('usage: floors.cjs bare|http-hop|frame-hop [proxy|backend] [socket]\n');
  process.exit(2);
}
