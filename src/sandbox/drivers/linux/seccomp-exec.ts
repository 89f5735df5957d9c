/**
 * @module sandbox/drivers/linux/seccomp-exec
 * Puts an InstanceExec command under the same seccomp filter as the function. bwrap applies the
 * filter to the runtime, but an exec'd command enters the sandbox's namespaces from the host, so
 * nothing would filter it. This tiny program, run by the machine's python3 in isolated mode (so the
 * function's PYTHON* variables cannot touch it), reads the filter from a file descriptor, sets
 * no-new-privs, installs the filter and execs the command.
 */
import fs from 'node:fs';

export const PYTHON3_BIN = '/usr/bin/python3';

/** argv[1]: the fd holding the cBPF program; argv[2:]: the command. */
const APPLY_FILTER_PY = [
  'import ctypes, os, sys',
  'fd = int(sys.argv[1]); data = b""',
  'while True:',
  '    chunk = os.read(fd, 65536)',
  '    if not chunk: break',
  '    data += chunk',
  'os.close(fd)',
  'class Prog(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]',
  'buf = ctypes.create_string_buffer(data, len(data))',
  'prog = Prog(len(data) // 8, ctypes.cast(buf, ctypes.c_void_p))',
  'libc = ctypes.CDLL(None, use_errno=True)',
  'if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:',
  '    sys.stderr.write("openfc: the seccomp filter could not be applied (errno %d)\\n" % ctypes.get_errno()); sys.exit(126)',
  'try:',
  '    os.execvp(sys.argv[2], sys.argv[2:])',
  'except OSError as e:',
  '    sys.stderr.write("openfc: %s: %s\\n" % (sys.argv[2], e.strerror)); sys.exit(127)',
].join('\n');

/** Whether exec sessions can be filtered on this machine. */
export const canFilterExec = (): boolean => fs.existsSync(PYTHON3_BIN);

/** The prefix that runs `command` under the filter read from `fd`. */
export const filteredCommand = (fd: number, command: readonly string[]): string[] => [PYTHON3_BIN, '-I', '-S', '-c', APPLY_FILTER_PY, String(fd), ...command];
