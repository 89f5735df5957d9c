# Per-invocation logging inside a Python instance (openfc's Python runtime): FC's line format, the
# Start/End markers' records, and a bounded per-invocation buffer so each invocation's log tail is
# its own. Attribution follows a contextvars variable set on the invocation's thread.
import contextvars
import datetime
import io
import logging
import os
import sys
import threading

TAIL_BYTES = 4096
KEEP_BYTES = 8192

_out_lock = threading.Lock()
record_var = contextvars.ContextVar('openfc_log_record', default=None)


def write_fd(fd, text):
    data = text.encode('utf-8', 'replace')
    with _out_lock:
        while data:
            n = os.write(fd, data)
            data = data[n:]


class Record:
    """The log lines of one invocation (or hook run); keeps the last 8 KB when a tail is wanted."""

    def __init__(self, request_id, keep_tail):
        self.request_id = request_id
        self.keep_tail = keep_tail
        self.parts = []
        self.size = 0
        self.lock = threading.Lock()

    def keep(self, text):
        if not self.keep_tail:
            return
        n = len(text.encode('utf-8', 'replace'))
        with self.lock:
            self.parts.append(text)
            self.size += n
            while self.size > KEEP_BYTES and len(self.parts) > 1:
                self.size -= len(self.parts.pop(0).encode('utf-8', 'replace'))

    def line(self, text):
        text += '\n'
        self.keep(text)
        write_fd(1, text)

    def tail(self):
        """The last 4 KB of this record's lines, cut on a character boundary."""
        if not self.keep_tail:
            return None
        with self.lock:
            data = ''.join(self.parts).encode('utf-8', 'replace')
        if len(data) > TAIL_BYTES:
            data = data[len(data) - TAIL_BYTES:]
            start = 0
            while start < len(data) and (data[start] & 0xC0) == 0x80:
                start += 1
            data = data[start:]
        return data.decode('utf-8', 'replace')


class AttributedStream(io.TextIOBase):
    """sys.stdout/sys.stderr: what print writes goes to the instance output and to the current invocation's record."""

    def __init__(self, fd, name):
        self._fd = fd
        self._name = name

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('write() argument must be str, not %s' % type(s).__name__)
        rec = record_var.get()
        if rec is not None:
            rec.keep(s)
        write_fd(self._fd, s)
        return len(s)

    def writable(self):
        return True

    def flush(self):
        pass

    def fileno(self):
        return self._fd

    def isatty(self):
        return False

    @property
    def encoding(self):
        return 'utf-8'

    @property
    def name(self):
        return self._name


def iso_now(created=None):
    t = datetime.datetime.now(datetime.timezone.utc) if created is None else datetime.datetime.fromtimestamp(created, datetime.timezone.utc)
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (t.microsecond // 1000)


class FCLogHandler(logging.Handler):
    """FC's Python log format: `<ISO time> <requestId> [<LEVEL>] <message>`."""

    def emit(self, record):
        try:
            rec = record_var.get()
            text = '%s %s [%s] %s\n' % (iso_now(record.created), rec.request_id if rec else '', record.levelname, self.format(record))
            if rec is not None:
                rec.keep(text)
            write_fd(1, text)
        except Exception:
            self.handleError(record)


def install_logging():
    sys.stdout = AttributedStream(1, '<stdout>')
    sys.stderr = AttributedStream(2, '<stderr>')
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    handler = FCLogHandler()
    handler.setFormatter(logging.Formatter('%(message)s'))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
