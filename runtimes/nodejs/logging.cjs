// Per-invocation logging inside a Node.js instance: FC's line format, the Start/End markers, and a
// bounded per-invocation buffer (AsyncLocalStorage) so each invocation's log tail is its own.
'use strict';

const util = require('util');
const { AsyncLocalStorage } = require('async_hooks');

const TAIL_BYTES = 4096;
const KEEP_BYTES = 8192;
const als = new AsyncLocalStorage();
const rawOut = process.stdout.write.bind(process.stdout);
const writeErr = process.stderr.write.bind(process.stderr);

// stdout is a pipe, and pipe writes are synchronous syscalls: lines written in one turn of the
// event loop are coalesced into one write (flushed on setImmediate, and on exit).
let pending = [];
let isFlushScheduled = false;
function flush() {
  isFlushScheduled = false;
  if (pending.length === 0) return;
  const out = pending.length === 1 ? pending[0] : pending.join('');
  pending = [];
  rawOut(out);
}
function writeOut(text) {
  pending.push(text);
  if (!isFlushScheduled) {
    isFlushScheduled = true;
    setImmediate(flush);
  }
  return true;
}
process.on('exit', flush);

/** A log record for one invocation (or hook run). */
function createRecord(requestId, keepTail) {
  return { requestId, keepTail, parts: [], bytes: 0, startLine: null };
}

/**
 * Opens an invocation's record. Its Start marker goes to stdout only just before the invocation's
 * first output, so an invocation that prints nothing writes nothing to the pipe: the INVOKE_RESULT
 * says so (`quiet`) and openfc writes both markers into the stored record itself.
 */
function begin(rec, startText) {
  rec.startLine = startText + '\n';
  keep(rec, rec.startLine);
  inFlight.add(rec);
}

/** Invocations begun and not ended. */
const inFlight = new Set();

/** Writes the deferred Start marker of `rec` now (before its first output). */
function started(rec) {
  if (rec && rec.startLine !== null) {
    const startLine = rec.startLine;
    rec.startLine = null;
    if (!isQuiet) writeOut(startLine);
  }
}

/**
 * Output openfc cannot tie to one invocation (written outside any invocation's context, by a
 * child process sharing stdout/stderr, or straight to fd 1 or 2): every invocation in flight
 * writes its Start marker first and is not quiet, so openfc attributes such lines exactly as when
 * every invocation opened with its marker (to the one open invocation, or to the instance).
 */
function startAll() {
  let wrote = false;
  for (const rec of inFlight) {
    if (rec.startLine === null) continue;
    started(rec);
    wrote = true;
  }
  if (wrote) flush();
}

/** Closes a record opened by begin(): true when the invocation printed nothing (no marker was written). */
function end(rec, endText) {
  inFlight.delete(rec);
  const out = endText + '\n';
  keep(rec, out);
  if (rec.startLine !== null) {
    rec.startLine = null; // output after the result is an instance line, never a second record
    return true;
  }
  if (!isQuiet) writeOut(out);
  return false;
}

function keep(rec, text) {
  if (!rec.keepTail) return;
  const n = Buffer.byteLength(text);
  rec.parts.push(text);
  rec.bytes += n;
  while (rec.bytes > KEEP_BYTES && rec.parts.length > 1) rec.bytes -= Buffer.byteLength(rec.parts.shift());
}

/** Writes a line attributed to `rec` (or the current invocation). */
let isQuiet = false;

function line(rec, text) {
  const out = text + '\n';
  started(rec);
  if (!isQuiet) writeOut(out);
  if (rec) keep(rec, out);
}

/** Runs fn with output suppressed (the runtime's own warm-up must print nothing). */
async function quietly(fn) {
  isQuiet = true;
  try {
    return await fn();
  } finally {
    isQuiet = false;
  }
}

function emit(level, args) {
  const rec = als.getStore();
  const msg = util.format.apply(null, args);
  if (!rec) {
    startAll();
    return void writeOut(msg + '\n');
  }
  line(rec, `${new Date().toISOString()} ${rec.requestId} [${level}] ${msg}`);
}

/** The last 4 KB of the record's lines, cut on a character boundary. */
function tail(rec) {
  if (!rec.keepTail) return undefined;
  let b = Buffer.from(rec.parts.join(''), 'utf8');
  if (b.length > TAIL_BYTES) {
    let start = b.length - TAIL_BYTES;
    while (start < b.length && (b[start] & 0xc0) === 0x80) start++;
    b = b.subarray(start);
  }
  return b.toString('utf8');
}

function install() {
  console.log = (...a) => emit('info', a);
  console.info = (...a) => emit('info', a);
  console.warn = (...a) => emit('warn', a);
  console.error = (...a) => emit('error', a);
  console.debug = (...a) => emit('debug', a);
  console.trace = (...a) => emit('info', ['Trace: ' + util.format.apply(null, a) + '\n' + new Error().stack.split('\n').slice(2).join('\n')]);
  const wrap = (write) =>
    function (chunk, encoding, cb) {
      const rec = als.getStore();
      if (rec) {
        keep(rec, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        if (rec.startLine !== null) {
          started(rec);
          flush(); // the Start marker reaches stdout before this reaches stderr
        }
      } else startAll();
      return write(chunk, encoding, cb);
    };
  process.stdout.write = function (chunk, encoding, cb) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const rec = als.getStore();
    if (rec) {
      keep(rec, text);
      started(rec);
    } else startAll();
    writeOut(text);
    if (typeof encoding === 'function') encoding();
    else if (typeof cb === 'function') cb();
    return true;
  };
  process.stderr.write = wrap(writeErr);
  // Writers that bypass process.stdout/stderr: child processes (which inherit the pipes unless
  // told otherwise) and fs writes to fd 1 or 2.
  const childProcess = require('child_process');
  const beforeSpawn = (fn) =>
    function (...args) {
      startAll();
      return fn.apply(this, args);
    };
  childProcess.ChildProcess.prototype.spawn = beforeSpawn(childProcess.ChildProcess.prototype.spawn);
  for (const name of ['spawnSync', 'execSync', 'execFileSync']) childProcess[name] = beforeSpawn(childProcess[name]);
  const fs = require('fs');
  const beforeFdWrite = (fn) =>
    function (fd, ...args) {
      if (fd === 1 || fd === 2) startAll();
      return fn.call(this, fd, ...args);
    };
  fs.writeSync = beforeFdWrite(fs.writeSync);
  fs.write = beforeFdWrite(fs.write);
}

function createLogger() {
  return {
    debug: (...a) => emit('debug', a),
    info: (...a) => emit('info', a),
    warn: (...a) => emit('warn', a),
    error: (...a) => emit('error', a),
    log: (...a) => emit('info', a),
  };
}

module.exports = { als, createRecord, begin, end, line, tail, install, createLogger, quietly };
