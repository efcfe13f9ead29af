import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SsprError } from '../errors/sspr-error.js';

/** Every purpose that gets its own key; one derived key per purpose, never shared. */
export type KeyPurpose = 'code-hash' | 'csrf' | 'session' | 'decoy' | 'encryption' | 'recovery-codes' | 'captcha' | 'throttle' | 'keyring' | 'not-me-link' | 'username-reminder';

export interface ServiceKeys {
  keyFor(purpose: KeyPurpose): Buffer;
}

const SECRETS_FILE = 'secrets.json';

/** DATA_DIR/secrets.json: the generated master key; `encryptionKeys` only in files from before the shared keyring. */
interface SecretsFile {
  masterKey?: string;
  encryptionKeys?: Record<string, string>;
  currentEncryptionKey?: string;
}

export function secretsFileOf(dataDir: string): string {
  return join(dataDir, SECRETS_FILE);
}

function readSecretsFile(dataDir: string): SecretsFile | null {
  const file = secretsFileOf(dataDir);
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // The parser's message quotes the file's text, which is secret: only the kind of fault is named.
    const code = (error as NodeJS.ErrnoException).code;
    throw new SsprError('secrets-file-corrupt', { params: { file, problem: code ? 'unreadable' : 'notJson' }, ...(code ? { detail: code } : {}) });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SsprError('secrets-file-corrupt', { params: { file, problem: 'notObject' } });
  }
  return parsed as SecretsFile;
}

/** Replaces secrets.json atomically (mode 0600). */
function writeSecretsFile(dataDir: string, contents: SecretsFile): void {
  const file = secretsFileOf(dataDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(contents, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** The master key and where it came from (a variable or a file), for the operator sentences that name it. */
export interface MasterKey {
  key: Buffer;
  source: string;
}

/**
 * This node's master key: from configuration (`secrets.masterKey`, SSPR_SECRETS_MASTER_KEY or its _FILE) if
 * given, else from DATA_DIR/secrets.json, else null. A corrupt secrets.json is an error naming the file.
 */
export function readMasterKey(dataDir: string, configured?: string): MasterKey | null {
  if (configured) return { key: Buffer.from(configured, 'base64'), source: 'SSPR_SECRETS_MASTER_KEY' };
  const stored = readSecretsFile(dataDir);
  if (!stored) return null;
  const key = typeof stored.masterKey === 'string' ? Buffer.from(stored.masterKey, 'base64') : null;
  if (key?.length !== 32) {
    throw new SsprError('secrets-file-corrupt', { params: { file: secretsFileOf(dataDir), problem: 'noMasterKey' } });
  }
  return { key, source: secretsFileOf(dataDir) };
}

/** Generates a master key into DATA_DIR/secrets.json (mode 0600, folder 0700); never overwrites one. */
export function createMasterKey(dataDir: string): MasterKey {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const key = randomBytes(32);
  // 'wx': two processes starting at once must not both write a key; the second fails instead.
  writeFileSync(secretsFileOf(dataDir), JSON.stringify({ masterKey: key.toString('base64') }) + '\n', { mode: 0o600, flag: 'wx' });
  return { key, source: secretsFileOf(dataDir) };
}

/** Data-encryption keys a secrets.json from before the shared keyring holds (base64 by id), and the current one. */
export function legacyEncryptionKeys(dataDir: string): { keys: Map<string, Buffer>; current: string | undefined } {
  const stored = readSecretsFile(dataDir);
  const keys = new Map(Object.entries(stored?.encryptionKeys ?? {}).map(([id, value]) => [id, Buffer.from(value, 'base64')]));
  return { keys, current: stored?.currentEncryptionKey };
}

/** Removes the keys `legacyEncryptionKeys` returned from secrets.json, once the store's keyring holds them. */
export function dropLegacyEncryptionKeys(dataDir: string): void {
  const stored = readSecretsFile(dataDir);
  if (!stored?.encryptionKeys && !stored?.currentEncryptionKey) return;
  if (stored.masterKey) writeSecretsFile(dataDir, { masterKey: stored.masterKey });
  else rmSync(secretsFileOf(dataDir));
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
