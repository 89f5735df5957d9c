# The openfc Python runtime (python3.9/3.10/3.12 functions, served by the machine's /usr/bin/python3).
# Stdlib only. Connects to the instance socket given as its argument, says HELLO, waits for a
# function (ASSIGN), then serves INVOKE and HOOK frames, each on its own thread, so that
# instanceConcurrency > 1 runs invocations side by side. Speaks the same frames as
# runtimes/nodejs (docs/instance-protocol.md). Runs inside instances.
import asyncio
import importlib
import importlib.util
import inspect
import json
import os
import socket
import struct
import sys
import threading
import traceback

from openfc_context import FCContext
from openfc_logging import Record, install_logging, iso_now, record_var

HELLO, ASSIGN, ASSIGN_RESULT, INVOKE, INVOKE_RESULT, HOOK, HOOK_RESULT = 1, 2, 3, 4, 5, 6, 7
PREFIX = struct.Struct('>IBII')
MAX_FRAME_BYTES = 64 * 1024 * 1024
RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))


# ---- user code --------------------------------------------------------------------------------

class HandlerNotFound(Exception):
    pass


assigned = {}
_modules = {}
_modules_lock = threading.Lock()


def load_handler(code_dir, handler):
    """`file.function` (file relative to the code dir, `.py` added), or `package.module.function`."""
    dot = handler.rfind('.')
    if dot <= 0:
        raise HandlerNotFound("handler '%s' must look like 'module.function'" % handler)
    module_path, name = handler[:dot], handler[dot + 1:]
    file = os.path.join(code_dir, module_path + '.py')
    with _modules_lock:
        module = _modules.get(module_path)
        if module is None:
            if os.path.isfile(file):
                mod_name = module_path.replace('/', '.')
                spec = importlib.util.spec_from_file_location(mod_name, file)
                module = importlib.util.module_from_spec(spec)
                sys.modules[mod_name] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    sys.modules.pop(mod_name, None)
                    raise
            else:
                try:
                    module = importlib.import_module(module_path.replace('/', '.'))
                except ModuleNotFoundError as e:
                    if e.name and module_path.replace('/', '.').startswith(e.name):
                        raise HandlerNotFound("Cannot find module '%s' (no %s.py in %s) for handler '%s'" % (module_path, module_path, code_dir, handler)) from None
                    raise
            _modules[module_path] = module
    fn = getattr(module, name, None)
    if not callable(fn):
        raise HandlerNotFound("handler '%s' is not a function defined in %s.py" % (handler, module_path))
    return fn


def call_user(fn, args):
    value = fn(*args)
    if inspect.iscoroutine(value):
        value = asyncio.run(value)
    return value


def error_body(e):
    frames = [f for f in traceback.extract_tb(e.__traceback__) if os.path.dirname(os.path.abspath(f.filename)) != RUNTIME_DIR]
    return {
        'errorMessage': str(e) if str(e) else type(e).__name__,
        'errorType': type(e).__name__,
        'stackTrace': [s.rstrip('\n') for s in traceback.format_list(frames)],
    }


def to_bytes(value):
    """FC's result conversion: bytes as is, str as UTF-8, dict/list as JSON, anything else as str()."""
    if value is None:
        return b'', None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value), None
    if isinstance(value, str):
        return value.encode('utf-8'), None
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False).encode('utf-8'), 'application/json'
    return str(value).encode('utf-8'), None


def log_error(rec, body):
    rec.line('%s %s [ERROR] %s: %s' % (iso_now(), rec.request_id, body['errorType'], body['errorMessage']))
    for s in body['stackTrace']:
        rec.line(s)


# ---- the channel ------------------------------------------------------------------------------

class Channel:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.reader = self.sock.makefile('rb')
        self.lock = threading.Lock()

    def send(self, kind, fid, header, body=b''):
        h = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
        frame = PREFIX.pack(9 + len(h) + len(body), kind, fid, len(h)) + h + body
        with self.lock:
            self.sock.sendall(frame)

    def frames(self):
        while True:
            head = self.reader.read(PREFIX.size)
            if len(head) < PREFIX.size:
                return
            length, kind, fid, hlen = PREFIX.unpack(head)
            if length > MAX_FRAME_BYTES or length < 9 or hlen > length - 9:
                raise ValueError('bad frame length %d' % length)
            rest = self.reader.read(length - 9)
            if len(rest) < length - 9:
                return
            yield kind, fid, json.loads(rest[:hlen].decode('utf-8')), rest[hlen:]


def take_credentials(c):
    assigned['credentials'] = c
    os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'] = c['accessKeyId']
    os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] = c['accessKeySecret']
    os.environ['ALIBABA_CLOUD_SECURITY_TOKEN'] = c['securityToken']


handler_fn = None


def run_hook(label, handler, request_id):
    """Runs the initializer or a lifecycle hook with FC's markers; returns the *_RESULT header."""
    rec = Record(request_id, True)
    record_var.set(rec)
    rec.line('FC %s Start RequestId: %s' % (label, request_id))
    err = None
    try:
        call_user(load_handler(assigned['codeDir'], handler), [FCContext(assigned, request_id, None)])
    except BaseException as e:  # noqa: BLE001 - user code may raise anything, SystemExit included
        err = error_body(e)
        log_error(rec, err)
    rec.line('FC %s End RequestId: %s' % (label, request_id))
    record_var.set(None)
    return {'ok': True} if err is None else {'ok': False, 'error': err, 'log': rec.tail()}


def on_assign(channel, fid, header):
    global handler_fn
    if assigned:
        channel.send(ASSIGN_RESULT, fid, {'ok': False, 'error': {'errorMessage': 'instance already has a function', 'errorType': 'ProtocolError', 'stackTrace': []}})
        return
    assigned.update(header)
    os.environ.update(header['env'])
    code_dir = header['codeDir']
    extra = [p for p in header['env'].get('PYTHONPATH', '').split(':') if p] + ['/opt/python']
    if code_dir not in sys.path:
        sys.path.insert(0, code_dir)
    sys.path.extend(p for p in extra if p not in sys.path)
    try:
        os.chdir(code_dir)
        handler_fn = load_handler(code_dir, header['function']['handler'])
    except BaseException as e:  # noqa: BLE001
        channel.send(ASSIGN_RESULT, fid, {'ok': False, 'error': error_body(e)})
        return
    initializer = header['function'].get('initializer')
    channel.send(ASSIGN_RESULT, fid, run_hook('Initialize', initializer, header['initRequestId']) if initializer else {'ok': True})


def on_invoke(channel, fid, header, event):
    if header.get('credentials'):
        take_credentials(header['credentials'])
    request_id = header['requestId']
    rec = Record(request_id, bool(header.get('isLogTail')))
    record_var.set(rec)
    rec.line('FC Invoke Start RequestId: %s' % request_id)
    out = {}
    try:
        body, content_type = to_bytes(call_user(handler_fn, [event, FCContext(assigned, request_id, header.get('credentials'))]))
        if content_type:
            out['contentType'] = content_type
    except BaseException as e:  # noqa: BLE001
        err = error_body(e)
        log_error(rec, err)
        out = {'errorType': 'UnhandledInvocationError'}
        body = json.dumps(err, ensure_ascii=False).encode('utf-8')
    rec.line('FC Invoke End RequestId: %s' % request_id)
    if rec.keep_tail:
        out['log'] = rec.tail()
    record_var.set(None)
    channel.send(INVOKE_RESULT, fid, out, body)


def on_hook(channel, fid, header):
    hook = header.get('hook')
    handler = assigned.get('function', {}).get(hook) if hook in ('preStop', 'preFreeze') else None
    result = run_hook('PreStop' if hook == 'preStop' else 'PreFreeze', handler, header['requestId']) if handler else {'ok': True}
    channel.send(HOOK_RESULT, fid, result)


def spawn(target, *args):
    threading.Thread(target=target, args=args, daemon=True).start()


def main():
    if len(sys.argv) < 2:
        sys.__stderr__.write('usage: bootstrap.py <socket path>\n')
        sys.exit(2)
    install_logging()
    try:
        channel = Channel(sys.argv[1])
    except OSError as e:
        sys.__stderr__.write('openfc python runtime: cannot connect to %s: %s\n' % (sys.argv[1], e))
        os._exit(1)
    channel.send(HELLO, 0, {'protocol': 1, 'runtime': 'python', 'pid': os.getpid()})
    try:
        for kind, fid, header, body in channel.frames():
            if kind == INVOKE:
                spawn(on_invoke, channel, fid, header, body)
            elif kind == ASSIGN:
                spawn(on_assign, channel, fid, header)
            elif kind == HOOK:
                spawn(on_hook, channel, fid, header)
            else:
                sys.__stderr__.write('openfc runtime: unknown frame kind %d\n' % kind)
                os._exit(1)
    except (OSError, ValueError):
        os._exit(1)
    os._exit(0)


if __name__ == '__main__':
    main()
