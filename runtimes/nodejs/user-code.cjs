// Loads the user's handler module (CommonJS or ES module) and calls handlers and hooks with FC's
// semantics: async or callback style, callback(err) as a handled error, results converted like FC.
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');
const { pathToFileURL } = require('url');

const moduleCache = new Map();

class UserCodeError extends Error {
  constructor(message, type) {
    super(message);
    this.name = type;
  }
}

function isEsm(file) {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

/** Resolves `file.export` under codeDir to a function. */
async function loadHandler(codeDir, handler) {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const base = path.resolve(codeDir, file);
  const found = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!found) throw new UserCodeError(`Cannot find module '${file}' (tried .js, .mjs, .cjs in ${codeDir}) for handler '${handler}'`, 'HandlerNotFound');
  let mod = moduleCache.get(found);
  if (!mod) {
    mod = isEsm(found) ? await import(pathToFileURL(found).href) : Module.createRequire(found)(found);
    moduleCache.set(found, mod);
  }
  const fn = mod[exportName] !== undefined ? mod[exportName] : mod.default && mod.default[exportName];
  if (typeof fn !== 'function') throw new UserCodeError(`handler '${handler}' is not a function exported by ${path.relative(codeDir, found)}`, 'HandlerNotFound');
  return fn;
}

/**
 * Calls a user function with `args` plus a callback. Resolves {value} or {error, isHandled};
 * the first completion wins (returned promise, callback, or the plain return value when the
 * function does not take the callback).
 */
function callUser(fn, args) {
  return new Promise((resolve) => {
    let isDone = false;
    const finish = (r) => {
      if (!isDone) {
        isDone = true;
        resolve(r);
      }
    };
    const callback = (err, value) => (err !== undefined && err !== null ? finish({ error: err, isHandled: true }) : finish({ value }));
    let ret;
    try {
      ret = fn(...args, callback);
    } catch (e) {
      return finish({ error: e, isHandled: false });
    }
    if (ret && typeof ret.then === 'function') ret.then((v) => finish({ value: v }), (e) => finish({ error: e, isHandled: false }));
    else if (fn.length <= args.length) finish({ value: ret });
  });
}

function errorBody(e) {
  if (e instanceof Error) {
    return { errorMessage: e.message, errorType: e.name || 'Error', stackTrace: String(e.stack || '').split('\n') };
  }
  return { errorMessage: typeof e === 'string' ? e : safeJson(e), errorType: typeof e, stackTrace: [] };
}

function safeJson(v) {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** FC's result conversion: Buffer as is, objects as JSON, anything else as a string. */
function toBytes(value) {
  if (value === undefined || value === null) return { body: Buffer.alloc(0) };
  if (Buffer.isBuffer(value)) return { body: value };
  if (value instanceof Uint8Array) return { body: Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
  if (typeof value === 'string') return { body: Buffer.from(value, 'utf8') };
  if (typeof value === 'object') return { body: Buffer.from(safeJson(value), 'utf8'), contentType: 'application/json' };
  return { body: Buffer.from(String(value), 'utf8') };
}

module.exports = { loadHandler, callUser, errorBody, toBytes, UserCodeError };
