import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FieldCipher, type Keyring } from './field-cipher.js';
import { createMasterKey, deriveKeys, dropLegacyEncryptionKeys, legacyEncryptionKeys, readMasterKey, type ServiceKeys } from './keys.js';
import { hmac, safeEqual } from './tokens.js';
import { KeyringRepository, type StoredKeyring } from '../store/keyring-repository.js';
import type { Store } from '../store/database.js';
import { systemClock, type Clock } from '../store/clock.js';
import { SsprError } from '../errors/sspr-error.js';

/** How often a node asks the store whether the keyring changed (one one-row read). */
export const KEYRING_POLL_MS = 1000;
/** How long `keys rotate` waits between its steps so that every polling node has followed. */
export const KEYRING_SETTLE_MS = 2 * KEYRING_POLL_MS + 1000;
const CHECK_TEXT = 'sspr/keyring-check/v1';

/**
 * The data-encryption keyring every node of one store shares. It lives in the store; each random key is
 * wrapped (AES-256-GCM, bound to its id) under a key derived from the master key, and key "k0" is derived from
 * the master key itself. Every node holds the same master key (SSPR_SECRETS_MASTER_KEY or its _FILE); one whose
 * key cannot open the keyring refuses to start. Nodes follow a rotation by polling the keyring's version
 * (`watch`) and by re-reading it when a value names a key they do not know yet.
 */
export class SharedKeyring {
  readonly cipher: FieldCipher;
  private version: number;
  private refreshing: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly repo: KeyringRepository,
    private readonly keys: ServiceKeys,
    private readonly wrapper: FieldCipher,
    stored: StoredKeyring,
    private readonly clock: Clock,
  ) {
    this.version = stored.version;
    this.cipher = new FieldCipher(this.unwrap(stored), () => void this.refresh().catch(() => false));
  }

  /**
   * Opens (or, for a new store, creates) the keyring. The master key comes from configuration, else from
   * DATA_DIR/secrets.json, else it is generated there — but only for a store without a keyring and without
   * accounts. Keys kept in a secrets.json from before the shared keyring move into the store.
   */
  static async open(store: Store, dataDir: string, configuredMasterKey?: string, clock: Clock = systemClock): Promise<{ keys: ServiceKeys; keyring: SharedKeyring }> {
    const repo = new KeyringRepository(store.db);
    let stored = await repo.read();
    let master = readMasterKey(dataDir, configuredMasterKey);
    if (!master) {
      if (stored || (await repo.holdsAccounts())) throw new SsprError('master-key-missing', { params: { store: store.location } });
      master = createMasterKey(dataDir);
    }
    const keys = deriveKeys(master.key);
    const wrapper = new FieldCipher({ currentKeyId: 'w', keys: new Map([['w', keys.keyFor('keyring')]]) });
    const check = hmac(keys.keyFor('keyring'), CHECK_TEXT);
    if (!stored) {
      const legacy = legacyEncryptionKeys(dataDir);
      const current = legacy.current && legacy.keys.has(legacy.current) ? legacy.current : 'k0';
      const wrappedKeys = new Map([...legacy.keys].map(([id, key]) => [id, wrapKey(wrapper, id, key)]));
      if (await repo.create({ currentKeyId: current, masterCheck: check, wrappedKeys }, clock.now())) dropLegacyEncryptionKeys(dataDir);
      stored = (await repo.read()) as StoredKeyring;
    }
    if (!safeEqual(stored.masterCheck, check)) {
      throw new SsprError('master-key-mismatch', { params: { source: master.source, store: store.location } });
    }
    return { keys, keyring: new SharedKeyring(repo, keys, wrapper, stored, clock) };
  }

  /** Re-reads the keyring when its version changed; true when it did. Concurrent calls share one read. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        if ((await this.repo.version()) === this.version) return false;
        const stored = (await this.repo.read()) as StoredKeyring;
        this.cipher.useKeyring(this.unwrap(stored));
        this.version = stored.version;
        return true;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Follows other nodes' rotations every KEYRING_POLL_MS until `stop` (the timer does not hold the process). */
  watch(): void {
    this.timer ??= setInterval(() => void this.refresh().catch(() => false), KEYRING_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Adds a new random key and makes it current, in two steps with `settleMs` between them and after: first every
   * node learns the key (so it can read values under it), then every node writes under it. Returns its id.
   */
  async rotate(settleMs = KEYRING_SETTLE_MS): Promise<string> {
    await this.refresh();
    const stored = (await this.repo.read()) as StoredKeyring;
    const ids = [stored.currentKeyId, ...stored.wrappedKeys.keys()];
    const id = `k${Math.max(0, ...ids.map((known) => Number(known.slice(1)) || 0)) + 1}`;
    await this.repo.addKey(id, wrapKey(this.wrapper, id, randomBytes(32)), this.clock.now());
    await sleep(settleMs);
    await this.repo.makeCurrent(id, this.clock.now());
    await this.refresh();
    await sleep(settleMs);
    return id;
  }

  /** Deletes every stored key but the current one (after a complete re-encryption); returns their ids. */
  async retireOld(): Promise<string[]> {
    const retired = await this.repo.retireAllBut(this.cipher.currentKeyId, this.clock.now());
    await this.refresh();
    return retired;
  }

  private unwrap(stored: StoredKeyring): Keyring {
    const keys = new Map<string, Buffer>([['k0', this.keys.keyFor('encryption')]]);
    for (const [id, wrapped] of stored.wrappedKeys) keys.set(id, Buffer.from(this.wrapper.decrypt(wrapped, contextOf(id)), 'base64'));
    return { currentKeyId: stored.currentKeyId, keys };
  }
}

function contextOf(id: string): string {
  return `keyring_keys:${id}`;
}

function wrapKey(wrapper: FieldCipher, id: string, key: Buffer): string {
  return wrapper.encrypt(key.toString('base64'), contextOf(id));
}
