/**
 * @module iam/accounts
 * Accounts and their root AccessKeys: creation, lookup by AccessKeyId (cached; the hot path of
 * every signed request), and the default account openfc creates on first start.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { invalidArgument } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import type { AccessKeyRecord, MetadataStore } from '../store/types.js';
import type { AccessKeyPair, NewAccount } from './types.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ACCESS_KEY_ID_PATTERN = /^[A-Za-z0-9._-]{8,128}$/;
const ACCESS_KEY_SECRET_MIN_LENGTH = 16;

function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) if (bytes[i]! < 248) out += BASE62[bytes[i]! % 62];
  return out.length === length ? out : out + randomBase62(length - out.length);
}

/** A 16-digit account id, like Alibaba Cloud's. */
export function generateAccountId(): string {
  return String(randomInt(1, 10)) + Array.from({ length: 15 }, () => randomInt(0, 10)).join('');
}

export function generateAccessKey(): AccessKeyPair {
  return { accessKeyId: 'LTAI' + randomBase62(20), accessKeySecret: randomBase62(30) };
}

export interface AccountService {
  /** Creates an account with a root AccessKey (the given one, or a fresh one). */
  createAccount(key?: AccessKeyPair): NewAccount;
  /** The key record if it exists and is active. Cached after the first lookup. */
  findActiveKey(accessKeyId: string): AccessKeyRecord | undefined;
  /** Makes sure a root key exists for the first account, creating both if needed. */
  ensureDefaultAccount(key?: AccessKeyPair): NewAccount;
  listAccounts(): { accountId: string; createdTime: string; accessKeyIds: string[] }[];
}

export function createAccountService(deps: { store: MetadataStore; clock: Clock }): AccountService {
  const { store, clock } = deps;
  const keyCache = new Map<string, AccessKeyRecord>();

  function checkKey(key: AccessKeyPair): void {
    if (!ACCESS_KEY_ID_PATTERN.test(key.accessKeyId)) throw invalidArgument('AccessKeyId must be 8-128 characters of letters, digits, ".", "_" or "-"');
    if (key.accessKeySecret.length < ACCESS_KEY_SECRET_MIN_LENGTH) throw invalidArgument(`AccessKey secret must be at least ${ACCESS_KEY_SECRET_MIN_LENGTH} characters`);
  }

  function addRootKey(accountId: string, key: AccessKeyPair): void {
    const existing = store.getAccessKey(key.accessKeyId);
    if (existing && existing.accountId !== accountId) throw invalidArgument(`AccessKeyId ${key.accessKeyId} already belongs to another account`);
    store.putAccessKey({ ...key, accountId, principal: 'root', status: 'Active', createdTime: new Date(clock.now()).toISOString() });
    keyCache.delete(key.accessKeyId);
  }

  const service: AccountService = {
    createAccount(key) {
      const pair = key ?? generateAccessKey();
      checkKey(pair);
      if (store.getAccessKey(pair.accessKeyId)) throw invalidArgument(`AccessKeyId ${pair.accessKeyId} is already in use`);
      const accountId = generateAccountId();
      store.createAccount({ accountId, createdTime: new Date(clock.now()).toISOString() });
      addRootKey(accountId, pair);
      return { accountId, ...pair };
    },
    findActiveKey(accessKeyId) {
      let rec = keyCache.get(accessKeyId);
      if (!rec) {
        rec = store.getAccessKey(accessKeyId);
        if (!rec) return undefined;
        keyCache.set(accessKeyId, rec);
      }
      return rec.status === 'Active' ? rec : undefined;
    },
    ensureDefaultAccount(key) {
      const first = store.listAccounts()[0];
      if (!first) return service.createAccount(key);
      if (key) {
        checkKey(key);
        const existing = store.getAccessKey(key.accessKeyId);
        if (!existing || existing.accessKeySecret !== key.accessKeySecret) addRootKey(existing?.accountId ?? first.accountId, key);
        return { accountId: existing?.accountId ?? first.accountId, ...key };
      }
      const root = store.listAccessKeys(first.accountId).find((k) => k.principal === 'root' && k.status === 'Active');
      if (root) return { accountId: first.accountId, accessKeyId: root.accessKeyId, accessKeySecret: root.accessKeySecret };
      const pair = generateAccessKey();
      addRootKey(first.accountId, pair);
      return { accountId: first.accountId, ...pair };
    },
    listAccounts() {
      return store.listAccounts().map((a) => ({ ...a, accessKeyIds: store.listAccessKeys(a.accountId).map((k) => k.accessKeyId) }));
    },
  };
  return service;
}
