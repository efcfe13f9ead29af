import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Sha256Hmac } from './sha256-hmac.js';

/**
 * Encryption of personal data and secrets at rest (e-mail addresses, phone numbers, TOTP secrets, method
 * data): AES-256-GCM with a 96-bit random IV, the key id stored with every value so that keys can be
 * rotated (`sspr keys rotate`), and associated data binding a value to its place (e.g. "users.email:<id>"),
 * so a ciphertext copied into another row or column does not decrypt.
 *
 * Stored form: `enc:v1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>`. A value without that prefix is a
 * plaintext from before encryption existed; it is returned as is and re-encrypted by the next rotation.
 */
export interface Keyring {
  currentKeyId: string;
  keys: Map<string, Buffer>;
}

/** A stored value and the associated data it was sealed to: `FieldCipher.decrypt`'s arguments. */
export interface SealedField {
  stored: string;
  context: string;
}

/**
 * Opens stored values many at a time: for each, in order, what `FieldCipher.decrypt` answers for it, or the error
 * it throws.
 */
export interface FieldOpener {
  openAll(fields: readonly SealedField[]): Promise<string[]>;
}

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
/** IVs drawn from the CSPRNG per 4096 values: one system call instead of one per encryption (a bulk sync's cost). */
const IV_POOL_BYTES = IV_BYTES * 4096;

export class FieldCipher implements FieldOpener {
  private ivPool = Buffer.alloc(0);
  private ivOffset = 0;
  private lookupMac: Sha256Hmac | null = null;

  constructor(
    private keyring: Keyring,
    /**
     * Called when a value names a key this process does not know yet (another node rotated): the owner re-reads
     * the keyring in the background and hands it over with `useKeyring`.
     */
    private readonly onUnknownKey?: () => void,
  ) {}

  /** Replaces the keyring (after another node rotated); values in flight keep their own key id. */
  useKeyring(keyring: Keyring): void {
    this.keyring = keyring;
  }

  get currentKeyId(): string {
    return this.keyring.currentKeyId;
  }

  /** The keyring in use: what a worker thread opening values in bulk starts its own cipher with. */
  get currentKeyring(): Keyring {
    return this.keyring;
  }

  encrypt(plaintext: string, context: string): string {
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId) as Buffer;
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${keyId}:${body.toString('base64url')}`;
  }

  /** A fresh random 96-bit IV (NIST SP 800-38D §8.2.2): each pooled byte is handed out once, never reused. */
  private nextIv(): Buffer {
    if (this.ivOffset + IV_BYTES > this.ivPool.length) {
      this.ivPool = randomBytes(IV_POOL_BYTES);
      this.ivOffset = 0;
    }
    const iv = this.ivPool.subarray(this.ivOffset, this.ivOffset + IV_BYTES);
    this.ivOffset += IV_BYTES;
    return iv;
  }

  decrypt(stored: string, context: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const rest = stored.slice(PREFIX.length);
    const colon = rest.indexOf(':');
    const keyId = rest.slice(0, colon);
    const key = this.keyring.keys.get(keyId);
    if (!key) this.onUnknownKey?.();
    if (!key) throw new Error(`encrypted value uses key "${keyId}", which is not in the keyring`);
    const body = Buffer.from(rest.slice(colon + 1), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Opens each value in this thread (one native decipher per value). */
  async openAll(fields: readonly SealedField[]): Promise<string[]> {
    return fields.map((field) => this.decrypt(field.stored, field.context));
  }

  encryptNullable(plaintext: string | null, context: string): string | null {
    return plaintext === null ? null : this.encrypt(plaintext, context);
  }

  decryptNullable(stored: string | null, context: string): string | null {
    return stored === null ? null : this.decrypt(stored, context);
  }

  /** True when the value is plaintext or under an older key (what a rotation must rewrite). */
  needsRotation(stored: string | null): boolean {
    return stored !== null && !stored.startsWith(`${PREFIX}${this.keyring.currentKeyId}:`);
  }

  /**
   * A keyed digest of a plaintext for equality look-ups over encrypted columns (a blind index): HMAC-SHA256 bound
   * to `context` (e.g. "users.email"), under a key derived from key "k0". k0 comes from the master key and stays
   * in every keyring, so every node computes the same tag before and after a rotation. The caller normalises.
   */
  lookupTag(plaintext: string, context: string): string {
    if (!this.lookupMac) {
      const k0 = this.keyring.keys.get('k0');
      if (!k0) throw new Error('the keyring has no key "k0" to derive the look-up key from');
      this.lookupMac = new Sha256Hmac(Buffer.from(hkdfSync('sha256', k0, Buffer.alloc(0), 'sspr/lookup-tag/v1', 32)));
    }
    // 128 bits of the MAC (RFC 2104 §5 allows truncation to half its length): unique enough, half the index.
    return this.lookupMac.digest(context, '\0', plaintext).subarray(0, 16).toString('base64url');
  }
}
