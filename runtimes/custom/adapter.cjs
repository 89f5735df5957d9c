// The openfc custom-runtime adapter (custom, custom.debian10/11/12). Speaks the instance protocol
// (docs/instance-protocol.md) to openfc and FC's custom-runtime HTTP contract (reference §10.5) to
// the user's server: on ASSIGN it starts `<code>/bootstrap` (or customRuntimeConfig.command +
// args), waits until the server's port accepts connections (bounded), then turns INVOKE into
// POST /invoke (or, for HTTP triggers, the client's own request), the initializer into POST
// /initialize and the hooks into GET /pre-stop and /pre-freeze. The server's stdout and stderr are
// the function's logs. Plain JS on the machine's Node.js; runs inside instances.
'use strict';

const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const { KIND, encode, createDecoder } = require('../nodejs/frames.cjs');
const logging = require('../nodejs/logging.cjs');

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: adapter.cjs <socket path> [--shared-network]\n');
  process.exit(2);
}
/** Instances share the host's network (process driver): the server gets a free port in FC_CUSTOM_LISTEN_PORT. */
const isNetworkShared = process.argv.includes('--shared-network');
const READY_POLL_MS = 20;
const START_OUTPUT_BYTES = 2000;
/** A request the server dropped waits this long to learn whether the server died (then the instance ends instead). */
const DEATH_GRACE_MS = 500;
const MAX_PARTIAL_LINE = 32 * 1024;
/** Request headers a client may not set (FC's web-function rules) and hop-by-hop headers. */
const DROPPED_REQUEST_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection']);
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const EMPTY = Buffer.alloc(0);

const agent = new http.Agent({ keepAlive: true });
let assigned;
let server;
let port;
let isReady = false;
/** Resolves (with how) when the server process is gone. */
let serverGone = new Promise(() => undefined);
let startOutput = '';
/** Invocations and hook runs in progress, by request id: the server's output is attributed to them. */
const active = new Map();

// ---- the server's output -------------------------------------------------------------------

/** The record a line of server output belongs to: the one whose request id it names, else the only one running. */
function attributed(text) {
  for (const [requestId, rec] of active) if (text.includes(requestId)) return rec;
  return active.size === 1 ? active.values().next().value : undefined;
}

function pipeLines(stream) {
  let partial = '';
  stream.on('data', (chunk) => {
    const text = chunk.toString('utf8');
    if (!isReady) startOutput = (startOutput + text).slice(-START_OUTPUT_BYTES);
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop();
    if (partial.length > MAX_PARTIAL_LINE) {
      lines.push(partial);
      partial = '';
    }
    for (const l of lines) logging.line(attributed(l), l);
  });
  stream.on('end', () => partial && logging.line(attributed(partial), partial));
}

/** One turn of the event loop: output the server wrote before it answered is read before the End marker. */
const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

// ---- starting the server -------------------------------------------------------------------

class StartError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CustomRuntimeStartError';
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function serverArgv(h, c) {
  if (c.command.length > 0) return [...c.command, ...c.args];
  const bootstrap = path.join(h.codeDir, 'bootstrap');
  let st;
  try {
    st = fs.statSync(bootstrap);
  } catch {
    throw new StartError(`the code has no 'bootstrap' file and customRuntimeConfig.command is not set: a custom runtime needs one of them to start its HTTP server`);
  }
  if (!st.isFile() || (st.mode & 0o111) === 0) throw new StartError(`'bootstrap' is not an executable file: mark it executable (chmod +x bootstrap) before zipping the code`);
  return [bootstrap, ...c.args];
}

const outputHint = () => {
  const t = startOutput.trim();
  return t ? `; its last output: ${t.split('\n').slice(-5).join(' | ')}` : '';
};

function tryConnect(p) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: p });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts the user's server and resolves once its port accepts connections; rejects with a clear StartError otherwise. */
async function startServer(h) {
  const c = h.customRuntime || { command: [], args: [], port: 9000, readyTimeoutMs: 30000 };
  const argv = serverArgv(h, c);
  port = isNetworkShared ? await freePort() : c.port;
  const env = { ...process.env, ...h.env, FC_CUSTOM_LISTEN_PORT: String(port), FC_SERVER_PORT: String(port) };
  const exited = (serverGone = new Promise((resolve) => {
    server = spawn(argv[0], argv.slice(1), { cwd: h.codeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.once('error', (e) => resolve(`could not be started (${argv[0]}: ${e.code || e.message})`));
    server.once('exit', (code, signal) => resolve(`exited (${signal ? 'signal ' + signal : 'code ' + code})`));
  }));
  pipeLines(server.stdout);
  pipeLines(server.stderr);
  void exited.then((how) => {
    if (!isReady) return;
    // FC restarts an instance whose server died: this one ends, and openfc sees it go.
    logging.line(undefined, `openfc: the custom runtime's server ${how}; the instance stops`);
    process.exit(1);
  });
  let exitedHow;
  void exited.then((how) => (exitedHow = how));
  const deadline = Date.now() + c.readyTimeoutMs;
  for (;;) {
    if (exitedHow) throw new StartError(`the custom runtime's server ${exitedHow} before it listened on port ${port}${outputHint()}`);
    if (await tryConnect(port)) break;
    if (Date.now() >= deadline) throw new StartError(`the custom runtime's server did not listen on port ${port} within ${c.readyTimeoutMs} ms (it must listen on 0.0.0.0:${port}, customRuntimeConfig.port)${outputHint()}`);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))]);
  }
  isReady = true;
}

// ---- talking to the server -------------------------------------------------------------------

/** FC's common x-fc-* request headers (§10.5); empty ones are left out. */
function fcHeaders(requestId, functionType, controlPath) {
  const f = assigned.function;
  const cr = assigned.credentials || {};
  const all = {
    'x-fc-request-id': requestId,
    'x-fc-function-name': f.name,
    'x-fc-function-handler': f.handler,
    'x-fc-function-memory': String(f.memory),
    'x-fc-function-timeout': String(f.timeout),
    'x-fc-function-initializer': f.initializer,
    'x-fc-initialization-timeout': f.initializer ? String(f.initializationTimeout) : '',
    'x-fc-instance-lifecycle-pre-stop-handler': f.preStop,
    'x-fc-instance-lifecycle-pre-freeze-handler': f.preFreeze,
    'x-fc-region': assigned.region,
    'x-fc-account-id': assigned.accountId,
    'x-fc-qualifier': f.qualifier,
    'x-fc-version-id': f.versionId,
    'x-fc-instance-id': assigned.instanceId,
    'x-fc-access-key-id': cr.accessKeyId,
    'x-fc-access-key-secret': cr.accessKeySecret,
    'x-fc-security-token': cr.securityToken,
    'x-fc-function-type': String(functionType),
    'x-fc-control-path': controlPath,
    'x-fc-retry-count': '0',
  };
  const out = {};
  for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

/** One HTTP exchange with the server; a kept-alive connection the server closed meanwhile is retried once on a new one. */
function request(method, reqPath, headers, body, isRetry = false) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: reqPath, headers: { ...headers, 'content-length': String(body.length) }, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (e) => (!isRetry && req.reusedSocket && e.code === 'ECONNRESET' ? request(method, reqPath, headers, body, true).then(resolve, reject) : reject(e)));
    req.end(body);
  });
}

/** A failed answer as FC's error body: the server's own JSON error when it sent one, else its text. */
function errorFromAnswer(what, res) {
  const text = res.body.toString('utf8');
  try {
    const j = JSON.parse(text);
    if (j && typeof j === 'object' && typeof j.errorMessage === 'string') {
      return { errorMessage: j.errorMessage, errorType: typeof j.errorType === 'string' ? j.errorType : 'CustomRuntimeError', stackTrace: Array.isArray(j.stackTrace) ? j.stackTrace.map(String) : [] };
    }
  } catch {
    /* not JSON */
  }
  const status = res.headers['x-fc-status'] && res.headers['x-fc-status'] !== String(res.status) ? `${res.status} (x-fc-status: ${res.headers['x-fc-status']})` : String(res.status);
  return { errorMessage: text || `the function's server answered ${status} to ${what}`, errorType: 'CustomRuntimeError', stackTrace: [] };
}

/** 2xx without an x-fc-status other than 200 is success (§10.5: `x-fc-status: 404` signals a failure). */
const isSuccess = (res) => res.status >= 200 && res.status < 300 && (res.headers['x-fc-status'] === undefined || res.headers['x-fc-status'] === '200');

const logLine = (rec, level, text) => logging.line(rec, `${new Date().toISOString()} ${rec.requestId} [${level}] ${text}`);

/** InvokeFunction / event triggers: POST /invoke with the event as the body (§10.5 "API call"). */
async function invokeApi(h, event) {
  const headers = { ...fcHeaders(h.requestId, 0, '/invoke'), 'content-type': 'application/octet-stream', 'x-fc-function-deadline': String(h.deadlineMs || '') };
  const res = await request('POST', '/invoke', headers, event);
  if (isSuccess(res)) return { header: res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}, body: res.body };
  const error = errorFromAnswer('POST /invoke', res);
  return { header: { errorType: 'UnhandledInvocationError' }, body: Buffer.from(JSON.stringify(error)), error };
}

function queryString(ev) {
  if (typeof ev.rawQueryString === 'string') return ev.rawQueryString;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(ev.queryParameters || {})) for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  return q.toString();
}

/** An HTTP trigger's request (§10.4 event) sent to the server as itself; the answer as FC's response object. */
async function passThrough(h, event) {
  let ev;
  try {
    ev = JSON.parse(event.toString('utf8'));
  } catch (e) {
    const error = { errorMessage: `the HTTP trigger event is not JSON: ${e.message}`, errorType: 'CustomRuntimeError', stackTrace: [] };
    return { header: { errorType: 'UnhandledInvocationError' }, body: Buffer.from(JSON.stringify(error)), error };
  }
  const http_ = (ev.requestContext && ev.requestContext.http) || {};
  const method = String(http_.method || ev.httpMethod || 'GET').toUpperCase();
  let reqPath = ev.rawPath || http_.path || '/';
  if (!reqPath.startsWith('/')) reqPath = '/' + reqPath;
  const qs = queryString(ev);
  const headers = {};
  for (const [k, v] of Object.entries(ev.headers || {})) {
    const key = k.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(key) || key.startsWith('x-fc-')) continue;
    headers[key] = Array.isArray(v) ? v.map(String) : String(v);
  }
  Object.assign(headers, fcHeaders(h.requestId, 0, '/http-invoke'));
  const body = typeof ev.body === 'string' && ev.body ? Buffer.from(ev.body, ev.isBase64Encoded ? 'base64' : 'utf8') : EMPTY;
  const res = await request(method, qs ? `${reqPath}?${qs}` : reqPath, headers, body);
  const out = {};
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const key = res.rawHeaders[i].toLowerCase();
    if (DROPPED_RESPONSE_HEADERS.has(key)) continue;
    const value = res.rawHeaders[i + 1];
    if (out[key] === undefined) out[key] = value;
    else out[key] = [].concat(out[key], value);
  }
  const response = { statusCode: res.status, headers: out, body: res.body.toString('base64'), isBase64Encoded: true };
  return { header: { contentType: 'application/json' }, body: Buffer.from(JSON.stringify(response)) };
}

// ---- the frames --------------------------------------------------------------------------------

/** Runs a hook over HTTP with FC's markers; resolves the *_RESULT header. */
async function runHook(label, method, hookPath, functionType, requestId) {
  const rec = logging.createRecord(requestId, true);
  active.set(requestId, rec);
  logging.line(rec, `FC ${label} Start RequestId: ${requestId}`);
  let error;
  try {
    const res = await request(method, hookPath, fcHeaders(requestId, functionType, hookPath), EMPTY);
    if (!isSuccess(res)) error = errorFromAnswer(`${method} ${hookPath}`, res);
  } catch (e) {
    error = { errorMessage: `${method} ${hookPath} failed: ${e.message}`, errorType: 'CustomRuntimeError', stackTrace: [] };
  }
  await settle();
  if (error) logLine(rec, 'error', `${error.errorType}: ${error.errorMessage}`);
  logging.line(rec, `FC ${label} End RequestId: ${requestId}`);
  active.delete(requestId);
  return error ? { ok: false, error, log: logging.tail(rec) } : { ok: true };
}

async function onAssign(h) {
  if (assigned) return { ok: false, error: { errorMessage: 'instance already has a function', errorType: 'ProtocolError', stackTrace: [] } };
  assigned = h;
  const rec = logging.createRecord(h.initRequestId, true);
  try {
    await startServer(h);
  } catch (e) {
    logLine(rec, 'error', e.message);
    return { ok: false, error: { errorMessage: e.message, errorType: e.name || 'CustomRuntimeStartError', stackTrace: [] }, log: logging.tail(rec) };
  }
  if (h.function.initializer) return runHook('Initialize', 'POST', '/initialize', 1, h.initRequestId);
  return { ok: true };
}

async function onInvoke(h, event) {
  if (h.credentials) assigned.credentials = h.credentials;
  const rec = logging.createRecord(h.requestId, h.isLogTail);
  active.set(h.requestId, rec);
  logging.line(rec, `FC Invoke Start RequestId: ${h.requestId}`);
  let out;
  try {
    out = h.httpTrigger ? await passThrough(h, event) : await invokeApi(h, event);
  } catch (e) {
    // A server that died ends the instance (openfc then fails this invocation and starts a new one).
    await Promise.race([serverGone.then(() => new Promise(() => undefined)), new Promise((resolve) => setTimeout(resolve, DEATH_GRACE_MS))]);
    const error = { errorMessage: `the custom runtime's server did not answer: ${e.message}`, errorType: 'CustomRuntimeError', stackTrace: [] };
    out = { header: { errorType: 'UnhandledInvocationError' }, body: Buffer.from(JSON.stringify(error)), error };
  }
  await settle();
  if (out.error) logLine(rec, 'error', `${out.error.errorType}: ${out.error.errorMessage}`);
  logging.line(rec, `FC Invoke End RequestId: ${h.requestId}`);
  active.delete(h.requestId);
  if (h.isLogTail) out.header.log = logging.tail(rec);
  return out;
}

const HOOKS = { preStop: ['PreStop', '/pre-stop', 3], preFreeze: ['PreFreeze', '/pre-freeze', 2] };

function onHook(h) {
  const hook = HOOKS[h.hook];
  if (!hook || !assigned || !isReady || !assigned.function[h.hook]) return Promise.resolve({ ok: true });
  return runHook(hook[0], 'GET', hook[1], hook[2], h.requestId);
}

const socket = net.connect(socketPath);
const send = (kind, id, header, body) => socket.write(encode(kind, id, header, body));
socket.on('connect', () => send(KIND.HELLO, 0, { protocol: 1, runtime: 'custom', pid: process.pid }));
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
process.on('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
});
socket.on(
  'data',
  createDecoder((kind, id, header, body) => {
    if (kind === KIND.INVOKE) onInvoke(header, body).then((out) => send(KIND.INVOKE_RESULT, id, out.header, out.body));
    else if (kind === KIND.ASSIGN) onAssign(header).then((r) => send(KIND.ASSIGN_RESULT, id, r));
    else if (kind === KIND.HOOK) onHook(header).then((r) => send(KIND.HOOK_RESULT, id, r));
    else {
      process.stderr.write(`openfc custom runtime: unknown frame kind ${kind}\n`);
      process.exit(1);
    }
  }),
);
