/** @module cli/client-config — where the client commands find their AccessKey and endpoint: flags, then environment, then the data dir. */
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG, resolveConfig } from '../config/index.js';

/** The connection flags every client command accepts. */
export interface ClientFlags {
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  dataDir?: string;
  caFile?: string;
  insecure?: boolean;
}

/** Where a resolved value came from, for messages. */
export type ClientConfigSource = 'flags' | 'environment' | 'data dir';

/** Everything needed to build an SDK client. */
export interface ClientConfig {
  /** host:port, without a scheme (what the SDK's `endpoint` expects). */
  endpoint: string;
  protocol: 'http' | 'https';
  accessKeyId: string;
  accessKeySecret: string;
  /** PEM certificate(s) to trust for HTTPS instead of the system roots. */
  ca?: string;
  /** Skip TLS certificate verification (the SDK's RuntimeOptions.ignoreSSL). */
  isInsecure: boolean;
  dataDir: string;
  sources: { credentials: ClientConfigSource; endpoint: ClientConfigSource };
}

/** A client command cannot find or understand its connection settings. */
export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError';
}

/** Environment variables the client commands read, in precedence order per pair. */
export const CLIENT_ENV = {
  endpoint: 'OPENFC_ENDPOINT',
  keyPairs: [
    ['OPENFC_ACCESS_KEY_ID', 'OPENFC_ACCESS_KEY_SECRET'],
    ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
  ],
} as const;

/** What `openfc serve` writes to <data-dir>/credentials.json (see src/platform.ts). */
interface CredentialsFile {
  accessKeyId?: string;
  accessKeySecret?: string;
  endpoints?: { http?: string; https?: string };
  tlsCertFile?: string;
}

/** What `openfc serve` writes to <data-dir>/serve.json while it runs. */
interface ServeFile {
  pid?: number;
  endpoints?: { http?: string; https?: string };
}

/** Parses `host:port`, `http://host:port` or `https://host:port`; a bare host:port means plain HTTP. */
export function parseEndpoint(value: string): { endpoint: string; protocol: 'http' | 'https' } {
  const trimmed = value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    if (!trimmed || /[/\s]/.test(trimmed)) throw new ClientConfigError(`endpoint '${value}' is not host:port or an http(s):// URL`);
    return { endpoint: trimmed, protocol: 'http' };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch (e: unknown) {
    throw new ClientConfigError(`endpoint '${value}' is not a valid URL`, { cause: e });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ClientConfigError(`endpoint '${value}' must use http:// or https://`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw new ClientConfigError(`endpoint '${value}' must be just scheme://host:port, without a path, query or user`);
  }
  return { endpoint: url.host, protocol: url.protocol === 'https:' ? 'https' : 'http' };
}

function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ClientConfigError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text) as T;
  } catch (e: unknown) {
    throw new ClientConfigError(`${file} is not valid JSON`, { cause: e });
  }
}

function readPem(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e: unknown) {
    throw new ClientConfigError(`cannot read ${what} ${file}: ${(e as Error).message} (pass --insecure to skip certificate checks)`, { cause: e });
  }
}

/** Whether `host` (host:port) is the HTTPS endpoint the running server of the data dir published. */
function isPublishedHttps(serve: ServeFile | undefined, host: string): boolean {
  const published = serve?.endpoints?.https;
  return published !== undefined && published.replace(/^https:\/\//, '') === host;
}

/** One (id, secret) pair from one source: both, neither, or an error naming the missing half. */
function pair(id: string | undefined, secret: string | undefined, idName: string, secretName: string): { accessKeyId: string; accessKeySecret: string } | undefined {
  if (!id && !secret) return undefined;
  if (!id || !secret) throw new ClientConfigError(`${id ? idName : secretName} is set but ${id ? secretName : idName} is not; give both`);
  return { accessKeyId: id, accessKeySecret: secret };
}

/**
 * Resolves the connection settings. Each setting (the key pair, the endpoint) is taken from the
 * first source that has it: flags, then `env`, then the data dir (credentials.json for the key,
 * serve.json of the running server for the endpoint, preferring its plain-HTTP listener).
 * `env` is passed in by the caller: this module never reads `process.env` itself.
 */
export function resolveClientConfig(flags: ClientFlags, env: NodeJS.ProcessEnv): ClientConfig {
  // The data dir resolves like `openfc serve` does (--data-dir, then OPENFC_DATA_DIR, then the default).
  const dataDir = resolveConfig({ dataDir: flags.dataDir }, { OPENFC_DATA_DIR: env.OPENFC_DATA_DIR }).dataDir;
  const credentialsFile = path.join(dataDir, 'credentials.json');
  const serveFile = path.join(dataDir, 'serve.json');
  let stored: { file: CredentialsFile | undefined } | undefined;
  const loadStored = (): CredentialsFile | undefined => {
    stored ??= { file: readJson<CredentialsFile>(credentialsFile) };
    return stored.file;
  };

  let credentialsSource: ClientConfigSource = 'flags';
  let keys = pair(flags.accessKeyId, flags.accessKeySecret, '--access-key-id', '--access-key-secret');
  if (!keys) {
    credentialsSource = 'environment';
    for (const [idName, secretName] of CLIENT_ENV.keyPairs) {
      keys = pair(env[idName], env[secretName], idName, secretName);
      if (keys) break;
    }
  }
  if (!keys) {
    credentialsSource = 'data dir';
    const file = loadStored();
    if (file?.accessKeyId && file.accessKeySecret) keys = { accessKeyId: file.accessKeyId, accessKeySecret: file.accessKeySecret };
  }
  if (!keys) {
    throw new ClientConfigError(
      `no credentials: start \`openfc serve\` (it writes ${credentialsFile}), pass --data-dir <dir> of a running server, ` +
        `or pass --access-key-id and --access-key-secret (or set ${CLIENT_ENV.keyPairs[0][0]} and ${CLIENT_ENV.keyPairs[0][1]})`,
    );
  }

  let endpointSource: ClientConfigSource = 'flags';
  let rawEndpoint = flags.endpoint || undefined;
  if (!rawEndpoint && env[CLIENT_ENV.endpoint]) {
    endpointSource = 'environment';
    rawEndpoint = env[CLIENT_ENV.endpoint];
  }
  if (!rawEndpoint) {
    endpointSource = 'data dir';
    const serve = readJson<ServeFile>(serveFile);
    rawEndpoint = serve?.endpoints?.http ?? serve?.endpoints?.https;
    if (!rawEndpoint) {
      throw new ClientConfigError(
        `no endpoint: no \`openfc serve\` is running for data dir ${dataDir} (no ${serveFile}); start it, or pass --endpoint host:port (or set ${CLIENT_ENV.endpoint})`,
      );
    }
  }
  const { endpoint, protocol } = parseEndpoint(rawEndpoint);

  const isInsecure = Boolean(flags.insecure);
  let ca: string | undefined;
  if (protocol === 'https' && !isInsecure) {
    if (flags.caFile) ca = readPem(flags.caFile, 'CA file');
    else if (endpointSource === 'data dir' || isPublishedHttps(readJson<ServeFile>(serveFile), endpoint)) {
      // The server's own (by default self-signed) certificate, only for the endpoint that server
      // published: `ca` replaces the system roots.
      const certFile = loadStored()?.tlsCertFile;
      if (certFile) ca = readPem(path.resolve(dataDir, certFile), 'the server certificate');
    }
  }
  return { endpoint, protocol, ...keys, ca, isInsecure, dataDir, sources: { credentials: credentialsSource, endpoint: endpointSource } };
}

/** Adds the connection options to a client command. */
export function addClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--endpoint <host:port|url>', `openfc API endpoint: host:port (plain HTTP) or http(s)://host:port (env ${CLIENT_ENV.endpoint}; default: the running server of --data-dir)`))
    .addOption(new Option('--access-key-id <id>', `AccessKey id (env ${CLIENT_ENV.keyPairs[0][0]} or ${CLIENT_ENV.keyPairs[1][0]}; default: credentials.json in --data-dir)`))
    .addOption(new Option('--access-key-secret <secret>', `AccessKey secret; prefer the env var, flags show in ps (env ${CLIENT_ENV.keyPairs[0][1]} or ${CLIENT_ENV.keyPairs[1][1]})`))
    .addOption(new Option('--data-dir <dir>', `data dir of the server to talk to, for credentials.json and serve.json (env OPENFC_DATA_DIR; default ${DEFAULT_CONFIG.dataDir})`))
    .addOption(new Option('--ca-file <pem>', 'trust this PEM certificate for an https:// --endpoint (default: the system roots; the server certificate for its own endpoint)'))
    .addOption(new Option('--insecure', 'do not verify the HTTPS certificate'));
}
