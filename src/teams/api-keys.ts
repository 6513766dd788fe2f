/**
 * API keys: `atl_<key id>_<secret>`. The key id (12 hex) finds the user without touching the secret; the secret
 * (32 random bytes, base64url) is stored only as a salted scrypt hash. A key proven once is remembered by its
 * SHA-256 (with the hash it matched) so that later requests cost a lookup, not another scrypt; a rotated or
 * revoked key no longer matches the stored hash and fails again.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HASH_BYTES = 32;
const KEY_PATTERN = /^atl_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  key: string;
  keyId: string;
  salt: string;
  hash: string;
}

function scryptHex(secret: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(secret, Buffer.from(salt, 'hex'), HASH_BYTES, SCRYPT, (err, out) => (err ? reject(err) : resolve(out.toString('hex'))));
  });
}

export async function newApiKey(): Promise<NewApiKey> {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  return { key: `atl_${keyId}_${secret}`, keyId, salt, hash: await scryptHex(secret, salt) };
}

/** The key id and secret of a well-formed key; undefined for anything else. */
export function parseApiKey(key: string): { keyId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(key.trim());
  return m ? { keyId: m[1] as string, secret: m[2] as string } : undefined;
}

const proven = new Map<string, string>();
const MAX_PROVEN = 10_000;

/** Whether `key` is the one whose secret hashed to `hash` with `salt` (constant-time comparison). */
export async function verifyApiKey(key: string, salt: string, hash: string): Promise<boolean> {
  const parsed = parseApiKey(key);
  if (!parsed) return false;
  const fingerprint = createHash('sha256').update(key).digest('hex');
  if (proven.get(fingerprint) === hash) return true;
  const actual = Buffer.from(await scryptHex(parsed.secret, salt), 'hex');
  const expected = Buffer.from(hash, 'hex');
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  if (ok) {
    if (proven.size >= MAX_PROVEN) proven.clear();
    proven.set(fingerprint, hash);
  }
  return ok;
}
