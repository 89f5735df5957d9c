/**
 * @module sandbox/drivers/linux/seccomp
 * Builds the classic-BPF seccomp filter every Linux-driver instance runs under (bwrap --seccomp).
 * It denies with EPERM the syscalls a function never needs and that widen the kernel's attack
 * surface: mount and friends, ptrace, kexec, bpf, keyrings, namespace creation (unshare, setns,
 * clone with CLONE_NEW* flags), perf_event_open, module loading, reboot, swap, userfaultfd,
 * io_uring, clock setting. clone3 answers ENOSYS (its flags sit in memory BPF cannot read), so
 * libc falls back to clone, whose flags are checked. Foreign ABIs (i386, x32) are refused.
 */

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const RET_ALLOW = 0x7fff0000;
const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_JSET_K = 0x45;
const BPF_RET_K = 0x06;

/** x86_64 syscall numbers denied outright. */
export const DENIED_SYSCALLS: Readonly<Record<string, number>> = {
  mount: 165, umount2: 166, pivot_root: 155, move_mount: 429, open_tree: 428, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, mount_setattr: 442,
  ptrace: 101, process_vm_readv: 310, process_vm_writev: 311, kcmp: 312,
  kexec_load: 246, kexec_file_load: 320, bpf: 321,
  keyctl: 250, add_key: 248, request_key: 249,
  unshare: 272, setns: 308,
  perf_event_open: 298,
  init_module: 175, finit_module: 313, delete_module: 176,
  reboot: 169, swapon: 167, swapoff: 168,
  userfaultfd: 323,
  io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427,
  open_by_handle_at: 304, name_to_handle_at: 303,
  acct: 163, quotactl: 179, settimeofday: 164, clock_settime: 227, adjtimex: 159, clock_adjtime: 305, syslog: 103, vhangup: 153, lookup_dcookie: 212,
};
const CLONE = 56;
const CLONE3 = 435;

function insn(code: number, jt: number, jf: number, k: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(code, 0);
  b.writeUInt8(jt, 2);
  b.writeUInt8(jf, 3);
  b.writeUInt32LE(k >>> 0, 4);
  return b;
}

/** The filter as the bytes of a `struct sock_filter[]`, ready for bwrap's --seccomp fd. */
export function buildSeccompFilter(): Buffer {
  const denied = Object.values(DENIED_SYSCALLS);
  const p: Buffer[] = [];
  p.push(insn(BPF_LD_W_ABS, 0, 0, 4)); // A = arch
  p.push(insn(BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64));
  p.push(insn(BPF_RET_K, 0, 0, RET_KILL_PROCESS));
  p.push(insn(BPF_LD_W_ABS, 0, 0, 0)); // A = nr
  p.push(insn(BPF_JGE_K, 0, 1, X32_SYSCALL_BIT));
  p.push(insn(BPF_RET_K, 0, 0, RET_ERRNO | EPERM));
  // Each denied nr jumps to the shared EPERM return at the end; distances are counted from the next insn.
  // Layout after this block: [clone check (4 insns)] [clone3 check (2)] ALLOW, EPERM
  const afterDenied = 4 + 2 + 1; // instructions between the last jeq and the EPERM return
  denied.forEach((nr, i) => p.push(insn(BPF_JEQ_K, denied.length - 1 - i + afterDenied, 0, nr)));
  // clone: deny namespace flags in arg0 (low 32 bits at offset 16)
  p.push(insn(BPF_JEQ_K, 0, 3, CLONE));
  p.push(insn(BPF_LD_W_ABS, 0, 0, 16));
  p.push(insn(BPF_JSET_K, 4, 0, CLONE_NAMESPACE_FLAGS)); // → EPERM (skip clone3 jeq, ENOSYS ret, ALLOW)
  p.push(insn(BPF_RET_K, 0, 0, RET_ALLOW));
  p.push(insn(BPF_JEQ_K, 0, 1, CLONE3));
  p.push(insn(BPF_RET_K, 0, 0, RET_ERRNO | ENOSYS));
  p.push(insn(BPF_RET_K, 0, 0, RET_ALLOW));
  p.push(insn(BPF_RET_K, 0, 0, RET_ERRNO | EPERM));
  return Buffer.concat(p);
}
