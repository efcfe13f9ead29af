import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every purpose that gets its own key; one derived key per purpose, never shared. */
export type KeyPurpose = 'code-hash' | 'csrf' | 'session' | 'decoy' | 'encryption';

export interface ServiceKeys {
  keyFor(purpose: KeyPurpose): Buffer;
}

const SECRETS_FILE = 'secrets.json';

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
