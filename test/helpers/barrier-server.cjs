// The barrier's server, run as its own process so it can live in a network namespace of the
// test's own (see outside-host.ts). Function code calls GET /wait; the test calls
// GET /arrived?n=N (answered once N requests are held) and POST /release.
'use strict';
const http = require('http');
const held = [];
const waiters = [];
let isReleased = false;
const settle = () => {
  for (const w of waiters.filter((w) => held.length >= w.n)) {
    waiters.splice(waiters.indexOf(w), 1);
    w.res.end('ok');
  }
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/arrived') {
    waiters.push({ n: Number(url.searchParams.get('n')), res });
    return settle();
  }
  if (url.pathname === '/release') {
    isReleased = true;
    for (const r of held.splice(0)) r.end('go');
    return res.end('released');
  }
  if (isReleased) return res.end('go');
  held.push(res);
  settle();
});
server.keepAliveTimeout = 1000;
server.listen(0, process.argv[2] || '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
