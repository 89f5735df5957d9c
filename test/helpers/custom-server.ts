/**
 * A custom-runtime function for tests: a shell-script `bootstrap` that execs a small stdlib Python
 * HTTP server answering FC's custom-runtime contract (POST /initialize, POST /invoke, GET
 * /pre-stop) and, on any other path, echoing the request it got (for HTTP-trigger passthrough).
 */

const SERVER_PY = `import hashlib, json, os, sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

state = {'initialized': None, 'inits': 0}

class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def fc(self):
        return {k.lower(): v for k, v in self.headers.items() if k.lower().startswith('x-fc-')}

    def do_POST(self):
        body = self.body()
        rid = self.headers.get('x-fc-request-id')
        if self.path == '/initialize':
            state['inits'] += 1
            state['initialized'] = rid
            print('initializing', rid, flush=True)
            return self.answer(200, '')
        if self.path == '/invoke':
            print('invoked with', body.decode(errors='replace'), flush=True)
            if body == b'fail':
                return self.answer(404, 'it failed', [('x-fc-status', '404')])
            if body == b'soft-fail':
                return self.answer(200, json.dumps({'errorMessage': 'soft failure', 'errorType': 'MyError'}), [('x-fc-status', '404')])
            if body == b'crash':
                os._exit(3)
            out = {'event': body.decode(errors='replace'), 'fc': self.fc(), 'state': state, 'cwd': os.getcwd(), 'env': os.environ.get('GREETING')}
            return self.answer(200, json.dumps(out), [('Content-Type', 'application/json')])
        return self.echo(body)

    def do_GET(self):
        if self.path == '/pre-stop':
            print('pre-stop called', flush=True)
            return self.answer(200, '')
        return self.echo(self.body())

    do_PUT = do_POST

    def echo(self, body):
        out = {'method': self.command, 'path': self.path, 'body': body.decode(errors='replace'),
               'cookie': self.headers.get('cookie'), 'multi': self.headers.get_all('x-multi'), 'fc': self.fc(),
               'length': len(body), 'sha256': hashlib.sha256(body).hexdigest()}
        print('echo', self.command, self.path, flush=True)
        self.answer(201, json.dumps(out), [('Content-Type', 'application/json'), ('Set-Cookie', 'a=1'), ('Set-Cookie', 'b=2'), ('X-Custom', 'yes')])

port = int(os.environ.get('FC_CUSTOM_LISTEN_PORT', '9000'))
print('listening on', port, flush=True)
ThreadingHTTPServer(('0.0.0.0', port), Handler).serve_forever()
`;

/** The code package: `bootstrap` (mode 0755) plus server.py. */
export const CUSTOM_RUNTIME_FUNCTION = {
  bootstrap: { data: '#!/bin/sh\nexec /usr/bin/python3 -u server.py\n', mode: 0o755 },
  'server.py': SERVER_PY,
};
