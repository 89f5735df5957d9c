/**
 * @module store/secret-box
 * Secrets at rest. openfc must read AccessKey secrets to verify HMAC signatures, so it cannot
 * store only their hashes; it stores them sealed with AES-256-GCM under a master key that lives in
 * its own file (`<data-dir>/secrets/master.key`, mode 0600), never in the database. A database
 * copied without that file reveals no secret. Sealed values read `enc:v1:<base64 iv|tag|data>`;
 * a value without the prefix is a plaintext one from before sealing existed, and is sealed on open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_BYTES = 32;

export interface SecretBox {
  seal(plain: string): string;
  /** The plaintext of a sealed value; a legacy plaintext value is returned as it is. */
  open(stored: string): string;
  isSealed(stored: string): boolean;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`the master key must be ${MASTER_KEY_BYTES} bytes, not ${key.length}`);
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('a stored secret cannot be opened with this master key (secrets/master.key belongs to another data dir?)');
      }
    },
    isSealed: (stored) => stored.startsWith(PREFIX),
  };
}

/** The master key file of a data dir. */
export const masterKeyFile = (dataDir: string) => path.join(dataDir, 'secrets', 'master.key');

/** Reads a 32-byte key file, creating it (0600, in a 0700 directory) on first use. */
export function loadOrCreateKeyFile(file: string): Buffer {
  if (fs.existsSync(file)) return fs.readFileSync(file);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  return key;
}

/** The secret box of a data dir, under its master key (created on first use). */
export const openSecretBox = (dataDir: string): SecretBox => createSecretBox(loadOrCreateKeyFile(masterKeyFile(dataDir)));
