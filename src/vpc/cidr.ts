/**
 * @module vpc/cidr
 * IPv4 CIDR blocks: parsing with the checks a VPC needs, and overlap tests.
 */
import { invalidArgument } from '../errors/index.js';

export interface Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit number. */
  readonly first: number;
  readonly prefix: number;
  /** Number of addresses. */
  readonly size: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function parseCidr(text: string, what = 'cidrBlock'): Cidr {
  const m = CIDR_PATTERN.exec(text);
  if (!m) throw invalidArgument(`${what} '${text}' is not an IPv4 CIDR block like 10.1.0.0/24`);
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) throw invalidArgument(`${what} '${text}' has an octet above 255`);
  const prefix = Number(m[5]);
  if (prefix > 32) throw invalidArgument(`${what} '${text}' has a prefix above 32`);
  const first = octets.reduce((a, o) => a * 256 + o, 0) >>> 0;
  const size = 2 ** (32 - prefix);
  if (first % size !== 0) throw invalidArgument(`${what} '${text}' is not aligned: the host bits must be zero`);
  return { text, first, prefix, size };
}

/** Dotted-quad text of an unsigned 32-bit address. */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first < b.first + b.size && b.first < a.first + a.size;
}
