import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldCipher, type Keyring } from './field-cipher.js';

/** Every purpose that gets its own key; one derived key per purpose, never shared. */
export type KeyPurpose = 'code-hash' | 'csrf' | 'session' | 'decoy' | 'encryption' | 'recovery-codes' | 'captcha' | 'throttle';

export interface ServiceKeys {
  keyFor(purpose: KeyPurpose): Buffer;
}

const SECRETS_FILE = 'secrets.json';

interface SecretsFile {
  masterKey?: string;
  /** Data-encryption keys by id (base64, 32 bytes); absent until the first rotation. */
  encryptionKeys?: Record<string, string>;
  currentEncryptionKey?: string;
}

function readSecretsFile(dataDir: string): SecretsFile {
  const file = join(dataDir, SECRETS_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SecretsFile) : {};
}

/**
 * The data-encryption keyring: key "k0" is derived from the master key; rotations add random keys
 * ("k1", "k2", …) to DATA_DIR/secrets.json and make the newest current. Old keys stay until
 * `sspr keys rotate --retire` has re-encrypted everything.
 */
export function loadKeyring(dataDir: string, masterKey: Buffer): Keyring {
  const stored = readSecretsFile(dataDir);
  const keys = new Map<string, Buffer>([['k0', deriveKeys(masterKey).keyFor('encryption')]]);
  for (const [id, value] of Object.entries(stored.encryptionKeys ?? {})) keys.set(id, Buffer.from(value, 'base64'));
  const currentKeyId = stored.currentEncryptionKey && keys.has(stored.currentEncryptionKey) ? stored.currentEncryptionKey : 'k0';
  return { currentKeyId, keys };
}

/** Adds a new random data-encryption key and makes it current; returns its id. Written atomically. */
export function addEncryptionKey(dataDir: string): string {
  const stored = readSecretsFile(dataDir);
  const existing = Object.keys(stored.encryptionKeys ?? {});
  const next = `k${Math.max(0, ...existing.map((id) => Number(id.slice(1)) || 0)) + 1}`;
  const updated: SecretsFile = {
    ...stored,
    encryptionKeys: { ...stored.encryptionKeys, [next]: randomBytes(32).toString('base64') },
    currentEncryptionKey: next,
  };
  writeSecretsFile(dataDir, updated);
  return next;
}

/** Drops every data-encryption key except the current one (after a complete re-encryption). */
export function retireOldEncryptionKeys(dataDir: string): string[] {
  const stored = readSecretsFile(dataDir);
  const current = stored.currentEncryptionKey;
  const retired = Object.keys(stored.encryptionKeys ?? {}).filter((id) => id !== current);
  const kept = current && stored.encryptionKeys?.[current] ? { [current]: stored.encryptionKeys[current] } : {};
  writeSecretsFile(dataDir, { ...stored, encryptionKeys: kept });
  return retired;
}

function writeSecretsFile(dataDir: string, contents: SecretsFile): void {
  const file = join(dataDir, SECRETS_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(contents, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/**
 * The master key: from configuration if given, else from DATA_DIR/secrets.json, else generated there
 * (mode 0600) on first start. It is never printed or logged.
 */
export function loadOrCreateMasterKey(dataDir: string, configured?: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = join(dataDir, SECRETS_FILE);
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { masterKey?: unknown };
    if (typeof stored.masterKey !== 'string' || Buffer.from(stored.masterKey, 'base64').length !== 32) {
      throw new Error(`${file} does not hold a 32-byte masterKey`);
    }
    return Buffer.from(stored.masterKey, 'base64');
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, JSON.stringify({ masterKey: key.toString('base64') }) + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** HKDF-SHA256 (RFC 5869) per purpose from one master key. */
export function deriveKeys(masterKey: Buffer): ServiceKeys {
  const cache = new Map<KeyPurpose, Buffer>();
  return {
    keyFor(purpose) {
      let key = cache.get(purpose);
      if (!key) {
        key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `sspr/${purpose}/v1`, 32));
        cache.set(purpose, key);
      }
      return key;
    },
  };
}

/** The cipher for data at rest: the keyring from DATA_DIR, reloaded when another process rotated. */
export function fieldCipherFor(dataDir: string, masterKey: Buffer): FieldCipher {
  return new FieldCipher(loadKeyring(dataDir, masterKey), () => loadKeyring(dataDir, masterKey));
}
