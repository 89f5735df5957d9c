// The openfc Node.js runtime: connects to the instance socket given as its argument, says HELLO
// (after warming itself up when `--warm-up` follows), waits for a function (ASSIGN), then serves
// INVOKE and HOOK frames. Runs inside instances.
'use strict';

const net = require('net');
const Module = require('module');
const { KIND, encode, createDecoder } = require('./frames.cjs');
const logging = require('./logging.cjs');
const { loadHandler, callUser, errorBody, toBytes } = require('./user-code.cjs');

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: bootstrap.cjs <socket path> [--warm-up]\n');
  process.exit(2);
}

logging.install();
process.on('unhandledRejection', (e) => console.error('Unhandled promise rejection:', e));

const EMPTY_CREDENTIALS = { accessKeyId: '', accessKeySecret: '', securityToken: '' };
let assigned;
let handlerFn;
const logger = logging.createLogger();

function baseContext(requestId, credentials) {
  const f = assigned.function;
  return {
    requestId,
    credentials: credentials || assigned.credentials || EMPTY_CREDENTIALS,
    function: { name: f.name, handler: f.handler, memory: f.memory, timeout: f.timeout, initializer: f.initializer || '', initializationTimeout: f.initializationTimeout || 0 },
    service: { name: '', logProject: '', logStore: '', qualifier: f.qualifier, versionId: f.versionId },
    region: assigned.region,
    accountId: assigned.accountId,
    instanceId: assigned.instanceId,
    logger,
    tracing: {},
    retryCount: 0,
  };
}

/** Runs a hook (initializer, preStop, preFreeze) with FC's markers; resolves {ok, error?, log?}. */
async function runHook(label, handler, requestId) {
  const rec = logging.createRecord(requestId, true);
  return logging.als.run(rec, async () => {
    logging.line(rec, `FC ${label} Start RequestId: ${requestId}`);
    let r;
    try {
      r = await callUser(await loadHandler(assigned.codeDir, handler), [baseContext(requestId)]);
    } catch (e) {
      r = { error: e };
    }
    if (r.error !== undefined) logging.line(rec, `${new Date().toISOString()} ${requestId} [error] ${errorBody(r.error).errorMessage}`);
    logging.line(rec, `FC ${label} End RequestId: ${requestId}`);
    return r.error !== undefined ? { ok: false, error: errorBody(r.error), log: logging.tail(rec) } : { ok: true };
  });
}

async function onAssign(header) {
  if (assigned) return { ok: false, error: { errorMessage: 'instance already has a function', errorType: 'ProtocolError', stackTrace: [] } };
  assigned = header;
  for (const [k, v] of Object.entries(header.env)) process.env[k] = v;
  if (header.env.NODE_PATH) Module._initPaths();
  try {
    process.chdir(header.codeDir);
    handlerFn = await loadHandler(header.codeDir, header.function.handler);
  } catch (e) {
    return { ok: false, error: errorBody(e) };
  }
  if (header.function.initializer) return runHook('Initialize', header.function.initializer, header.initRequestId);
  return { ok: true };
}

/** Renewed execution-role credentials arrive with an invocation: the context and the environment both get them. */
function takeCredentials(c) {
  assigned.credentials = c;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = c.accessKeyId;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = c.accessKeySecret;
  process.env.ALIBABA_CLOUD_SECURITY_TOKEN = c.securityToken;
}

function onInvoke(header, event) {
  if (header.credentials) takeCredentials(header.credentials);
  const rec = logging.createRecord(header.requestId, header.isLogTail);
  return logging.als.run(rec, async () => {
    logging.begin(rec, `FC Invoke Start RequestId: ${header.requestId}`);
    const r = await callUser(handlerFn, [event, baseContext(header.requestId, header.credentials)]);
    let out;
    if (r.error !== undefined) {
      const body = errorBody(r.error);
      logging.line(rec, `${new Date().toISOString()} ${header.requestId} [error] ${body.errorType}: ${body.errorMessage}`);
      out = { header: { errorType: r.isHandled ? 'HandledInvocationError' : 'UnhandledInvocationError' }, body: Buffer.from(JSON.stringify(body)) };
    } else {
      let converted;
      try {
        converted = toBytes(r.value);
      } catch (e) {
        converted = undefined;
        out = { header: { errorType: 'UnhandledInvocationError' }, body: Buffer.from(JSON.stringify(errorBody(e))) };
      }
      if (converted) out = { header: converted.contentType ? { contentType: converted.contentType } : {}, body: converted.body };
    }
    if (logging.end(rec, `FC Invoke End RequestId: ${header.requestId}`)) out.header.quiet = true;
    if (header.isLogTail) out.header.log = logging.tail(rec);
    return out;
  });
}

/**
 * Self-warm before saying HELLO: run the invoke path (frames, logging, handler call, result
 * conversion) on a throw-away handler so the first real invocation of a stem cell finds it
 * compiled and its modules loaded.
 */
async function warmUp() {
  const decode = createDecoder(() => undefined);
  const saved = { assigned, handlerFn };
  assigned = { function: { name: 'warmup', handler: 'w.h', memory: 128, timeout: 3, qualifier: 'LATEST', versionId: '0' }, region: '', accountId: '', instanceId: '', env: {}, codeDir: '/' };
  handlerFn = async (event, context) => {
    context.logger.info('warm');
    return { ok: event.length };
  };
  await logging.quietly(async () => {
    for (let i = 0; i < 200; i++) {
      const out = await onInvoke({ requestId: 'warmup-' + i, isLogTail: i % 2 === 0 }, Buffer.from('{"warm":true}'));
      decode(encode(KIND.INVOKE_RESULT, i + 1, out.header, out.body));
      errorBody(new Error('warm'));
    }
  });
  Module.createRequire(__filename);
  assigned = saved.assigned;
  handlerFn = saved.handlerFn;
}

const socket = net.connect(socketPath);
let isCorked = false;
const uncork = () => {
  isCorked = false;
  socket.uncork();
};
/** Replies produced in one tick leave in one write. */
const send = (kind, id, header, body) => {
  if (!isCorked) {
    isCorked = true;
    socket.cork();
    process.nextTick(uncork);
  }
  socket.write(encode(kind, id, header, body));
};

// Cells that wait in the stem-cell pool warm up before HELLO (off the request path); a sandbox
// started for a waiting request says HELLO at once.
const isWarmUp = process.argv[3] === '--warm-up';
socket.on('connect', () => (isWarmUp ? warmUp() : Promise.resolve()).then(() => send(KIND.HELLO, 0, { protocol: 1, runtime: 'nodejs', pid: process.pid })));
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
socket.on(
  'data',
  createDecoder((kind, id, header, body) => {
    if (kind === KIND.INVOKE) {
      onInvoke(header, body).then((out) => send(KIND.INVOKE_RESULT, id, out.header, out.body));
    } else if (kind === KIND.ASSIGN) {
      onAssign(header).then((r) => send(KIND.ASSIGN_RESULT, id, r));
    } else if (kind === KIND.HOOK) {
      const handler = assigned && (header.hook === 'preStop' ? assigned.function.preStop : header.hook === 'preFreeze' ? assigned.function.preFreeze : undefined);
      (handler ? runHook(header.hook === 'preStop' ? 'PreStop' : 'PreFreeze', handler, header.requestId) : Promise.resolve({ ok: true })).then((r) =>
        send(KIND.HOOK_RESULT, id, r),
      );
    } else {
      process.stderr.write(`openfc runtime: unknown frame kind ${kind}\n`);
      process.exit(1);
    }
  }),
);
