/**
 * @module functions/credential-scan
 * Finds credential-shaped strings in a code package and in environment variables, so a deploy can
 * warn about (or refuse) credentials that FC's shared-responsibility model says never to ship:
 * Alibaba Cloud AccessKey ids and secrets, STS tokens, PEM private keys, AWS access key ids and
 * GitHub tokens. A finding never carries the secret itself, only a masked prefix such as `LTAI****`.
 *
 * Every file is read as latin1 (one char per byte, so text and binary alike) and searched with a
 * few anchored regular expressions; a 100 MB package takes well under a second on one core.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Files larger than this are not read; the scan lists them as skipped. */
export const MAX_SCAN_FILE_BYTES = 5 * 1024 * 1024;
/** How far (in characters) from an AccessKey id a 30-character value is taken for its secret. */
const SECRET_NEAR_ID_CHARS = 256;

export type CredentialKind =
  | 'alibaba-access-key-id'
  | 'alibaba-access-key-secret'
  | 'alibaba-sts-token'
  | 'private-key'
  | 'aws-access-key-id'
  | 'github-token';

export interface CredentialFinding {
  /** A path inside the code package (`lib/config.js`), or `environmentVariables.NAME`. */
  readonly location: string;
  /** 1-based line of the match; 0 for an environment variable. */
  readonly line: number;
  readonly kind: CredentialKind;
  /** What may be shown of the value: a fixed prefix and `****`, never the secret. */
  readonly masked: string;
}

export interface SkippedFile {
  readonly location: string;
  readonly bytes: number;
}

export interface CredentialScanResult {
  readonly findings: CredentialFinding[];
  /** Files not read because they are larger than `maxFileBytes`. */
  readonly skipped: SkippedFile[];
  readonly scannedFiles: number;
  readonly scannedBytes: number;
  /** The size limit files were held to. */
  readonly maxFileBytes: number;
}

// A boundary that base64 text never crosses: ids and tokens are matched only as whole words, so an
// `LTAI` or `CAIS` that happens to appear inside a long base64 blob is not a finding.
const NOT_AFTER_B64 = '(?<![A-Za-z0-9+/])';
const NOT_BEFORE_B64 = '(?![A-Za-z0-9+/])';

/** One pass over the text for everything with a literal anchor; the capture group says which kind. */
const ANCHORED = new RegExp(
  [
    // Not followed by `*` either: `LTAI4GFTgcR8m8cZQDTH****` is an id already masked (SDK docs).
    `${NOT_AFTER_B64}(LTAI[A-Za-z0-9]{12,30})(?![A-Za-z0-9+/*])`,
    `${NOT_AFTER_B64}(CAIS[A-Za-z0-9+/]{60,}={0,2})`,
    // A PEM header followed by key material (or legacy encryption headers), after newlines or the
    // `\n` escapes of a JS/JSON string. A bare header string, as PEM parsers contain, is no key.
    `(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----)(?=(?:\\s|\\\\[rn])*(?:[A-Za-z0-9+/=]{40}|Proc-Type:))`,
    `(?<![A-Z0-9])((?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Z0-9])`,
    `(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])`,
  ].join('|'),
  'g',
);
const ANCHORED_KINDS: readonly CredentialKind[] = ['alibaba-access-key-id', 'alibaba-sts-token', 'private-key', 'aws-access-key-id', 'github-token'];

/**
 * An AccessKey-secret-shaped value (exactly 30 letters and digits) assigned to a name that says it
 * is secret: `accessKeySecret: '…'`, `DB_PASSWORD=…`, `"token": "…"`.
 */
const NAMED_SECRET = /(?:secret|passw(?:or)?d|token|access_?key)[A-Za-z0-9_]{0,30}["']?\s{0,3}[:=]\s{0,3}["']?([A-Za-z0-9]{30})(?![A-Za-z0-9])/gi;
/** A standalone 30-character value, looked for only near an AccessKey id. */
const LONE_SECRET = new RegExp(`${NOT_AFTER_B64}[A-Za-z0-9]{30}${NOT_BEFORE_B64}`, 'g');
const HAS_UPPER = /[A-Z]/;
const HAS_LOWER = /[a-z]/;
const HAS_DIGIT = /[0-9]/;

/**
 * Random base62 has both cases (hex digests, words and constants do not). Under a secret-sounding
 * name it must also have a digit, which tells it from a 30-letter camelCase identifier
 * (`password=getPasswordFromConfigStore`); about 0.5% of real secrets have none and are missed.
 */
function looksRandom(value: string, needsDigit: boolean): boolean {
  return HAS_UPPER.test(value) && HAS_LOWER.test(value) && (!needsDigit || HAS_DIGIT.test(value));
}

function mask(kind: CredentialKind, value: string): string {
  switch (kind) {
    case 'private-key':
      return value; // the PEM header names the key type and holds nothing secret
    case 'github-token':
      return `${value.startsWith('github_pat_') ? 'github_pat_' : value.slice(0, 4)}****`;
    case 'alibaba-access-key-secret':
      return '****';
    default:
      return `${value.slice(0, 4)}****`;
  }
}

/** Counts lines lazily: matches come in increasing order, so each newline is counted once. */
function lineCounter(text: string): (index: number) => number {
  let at = 0;
  let line = 1;
  return (index) => {
    for (let nl = text.indexOf('\n', at); nl !== -1 && nl < index; nl = text.indexOf('\n', nl + 1)) line++;
    at = Math.max(at, index);
    return line;
  };
}

interface RawMatch {
  readonly index: number;
  readonly kind: CredentialKind;
  readonly value: string;
}

function rawMatches(text: string): RawMatch[] {
  const out: RawMatch[] = [];
  const ids: { start: number; end: number }[] = [];
  for (const m of text.matchAll(ANCHORED)) {
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    const kind = ANCHORED_KINDS[group - 1]!;
    out.push({ index: m.index, kind, value: m[group]! });
    if (kind === 'alibaba-access-key-id') ids.push({ start: m.index, end: m.index + m[0].length });
  }
  const secretAt = new Set<number>();
  for (const m of text.matchAll(NAMED_SECRET)) {
    const value = m[1]!;
    const index = m.index + m[0].length - value.length;
    if (!looksRandom(value, true) || value.startsWith('LTAI')) continue;
    secretAt.add(index);
    out.push({ index, kind: 'alibaba-access-key-secret', value });
  }
  for (const id of ids) {
    const from = Math.max(0, id.start - SECRET_NEAR_ID_CHARS);
    const window = text.slice(from, id.end + SECRET_NEAR_ID_CHARS);
    for (const m of window.matchAll(LONE_SECRET)) {
      const index = from + m.index;
      const isTheId = index >= id.start && index < id.end;
      if (isTheId || secretAt.has(index) || m[0].startsWith('LTAI') || !looksRandom(m[0], false)) continue;
      secretAt.add(index);
      out.push({ index, kind: 'alibaba-access-key-secret', value: m[0] });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Finds credentials in one file's bytes (text or binary). */
export function scanBuffer(location: string, data: Buffer): CredentialFinding[] {
  const text = data.toString('latin1');
  const lineOf = lineCounter(text);
  return rawMatches(text).map((m) => ({ location, line: lineOf(m.index), kind: m.kind, masked: mask(m.kind, m.value) }));
}

/** Finds credentials in environment variables, each read as `NAME=value` so the name counts too. */
export function scanEnvironment(env: Readonly<Record<string, string>>): CredentialFinding[] {
  const out: CredentialFinding[] = [];
  for (const [name, value] of Object.entries(env)) {
    for (const m of rawMatches(`${name}=${value}`)) out.push({ location: `environmentVariables.${name}`, line: 0, kind: m.kind, masked: mask(m.kind, m.value) });
  }
  return out;
}

/**
 * Scans every regular file under `root` (an unpacked code package). Symlinks are not followed:
 * the files they point to inside the package are scanned in their own right.
 */
export async function scanDirectory(root: string, options: { maxFileBytes?: number } = {}): Promise<CredentialScanResult> {
  const maxFileBytes = options.maxFileBytes ?? MAX_SCAN_FILE_BYTES;
  const findings: CredentialFinding[] = [];
  const skipped: SkippedFile[] = [];
  let scannedFiles = 0;
  let scannedBytes = 0;
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const location = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        await walk(abs, location);
        continue;
      }
      if (!e.isFile()) continue;
      const { size } = await fs.promises.stat(abs);
      if (size > maxFileBytes) {
        skipped.push({ location, bytes: size });
        continue;
      }
      const data = await fs.promises.readFile(abs);
      scannedFiles++;
      scannedBytes += data.length;
      for (const f of scanBuffer(location, data)) findings.push(f);
    }
  };
  await walk(root, '');
  return { findings, skipped, scannedFiles, scannedBytes, maxFileBytes };
}

/** `index.js:3 alibaba-access-key-id LTAI****`, or `environmentVariables.X alibaba-sts-token CAIS****`. */
export function describeFinding(f: CredentialFinding): string {
  return `${f.line > 0 ? `${f.location}:${f.line}` : f.location} ${f.kind} ${f.masked}`;
}

/** Findings as one line for a message or header: the first `max`, then how many more. */
export function summarizeFindings(findings: readonly CredentialFinding[], max = 20): string {
  const shown = findings.slice(0, max).map(describeFinding).join(', ');
  const more = findings.length > max ? `, and ${findings.length - max} more` : '';
  return `${findings.length} finding(s): ${shown}${more}`;
}

export const CREDENTIAL_WARNING_HEADER = 'x-openfc-credential-warning';
export const CREDENTIAL_SCAN_SKIPPED_HEADER = 'x-openfc-credential-scan-skipped';
/** Findings or skipped files named in a header; the rest are counted. */
const MAX_HEADER_ITEMS = 20;

/** Header values must be printable ASCII: anything else in a file name is percent-encoded. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => Buffer.from(c, 'utf8').toString('hex').replace(/(..)/g, '%$1'));
}

/** The response headers that report a scan: findings (never secrets) and files too large to scan. */
export function credentialScanHeaders(result: CredentialScanResult | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!result) return headers;
  if (result.findings.length > 0) headers[CREDENTIAL_WARNING_HEADER] = headerSafe(summarizeFindings(result.findings, MAX_HEADER_ITEMS));
  if (result.skipped.length > 0) {
    const shown = result.skipped.slice(0, MAX_HEADER_ITEMS).map((s) => `${s.location} (${s.bytes} bytes)`).join(', ');
    const more = result.skipped.length > MAX_HEADER_ITEMS ? `, and ${result.skipped.length - MAX_HEADER_ITEMS} more` : '';
    headers[CREDENTIAL_SCAN_SKIPPED_HEADER] = headerSafe(`${result.skipped.length} file(s) larger than ${result.maxFileBytes} bytes not scanned: ${shown}${more}`);
  }
  return headers;
}
