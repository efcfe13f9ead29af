import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, migrate, type Store } from '../../src/store/database.js';
import { SharedKeyring, KEYRING_POLL_MS } from '../../src/crypto/shared-keyring.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { deriveKeys } from '../../src/crypto/keys.js';
import { SsprError } from '../../src/errors/sspr-error.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import { systemClock } from '../../src/store/clock.js';
import { createTestDatabase } from '../support/postgres.js';

const isCode = (code: string) => (error: unknown) => error instanceof SsprError && error.code === code;

/** Two nodes of one store (two connections, two data dirs), on SQLite and on PostgreSQL. */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`the shared keyring (${dialect})`, () => {
    const masterKey = randomBytes(32).toString('base64');
    const dirs: string[] = [];
    const stores: Store[] = [];
    let url: string;
    let drop: () => Promise<void> = async () => undefined;

    const tempDir = () => {
      const dir = mkdtempSync(join(tmpdir(), 'sspr-keyring-'));
      dirs.push(dir);
      return dir;
    };
    const node = async () => {
      const store = openStore(url, '/nonexistent');
      stores.push(store);
      await migrate(store);
      return store;
    };

    before(async () => {
      if (dialect === 'postgres') ({ url, drop } = await createTestDatabase());
      else url = `sqlite:${join(tempDir(), 'sspr.db')}`;
    });
    after(async () => {
      for (const store of stores) await store?.close();
      await drop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('every node with the master key opens one keyring; a rotation on one is followed by the other', async () => {
      const storeA = await node();
      const a = (await SharedKeyring.open(storeA, tempDir(), masterKey)).keyring;
      const b = (await SharedKeyring.open(await node(), tempDir(), masterKey)).keyring;
      b.watch();
      try {
        const before = a.cipher.encrypt('before@example.org', 'users.email:1');
        assert.equal(b.cipher.decrypt(before, 'users.email:1'), 'before@example.org');
        const rotated = await a.rotate(KEYRING_POLL_MS + 500);
        assert.equal(rotated, 'k1');
        const fresh = a.cipher.encrypt('after@example.org', 'users.email:2');
        assert.match(fresh, /^enc:v1:k1:/);
        assert.equal(b.cipher.decrypt(fresh, 'users.email:2'), 'after@example.org', 'the other node reads data under the new key');
        assert.match(b.cipher.encrypt('x', 'c'), /^enc:v1:k1:/, 'and writes under it');
        assert.deepEqual(await a.retireOld(), []);
        assert.equal(b.cipher.decrypt(before, 'users.email:1'), 'before@example.org', 'k0 is derived, never retired');
      } finally {
        b.stop();
      }
    });

    it('a node that meets a key it does not know yet re-reads the keyring', async () => {
      const a = (await SharedKeyring.open(await node(), tempDir(), masterKey)).keyring;
      const b = (await SharedKeyring.open(await node(), tempDir(), masterKey)).keyring;
      await a.rotate(0);
      const fresh = a.cipher.encrypt('late@example.org', 'users.email:3');
      assert.throws(() => b.cipher.decrypt(fresh, 'users.email:3'), /not in the keyring/);
      for (let i = 0; i < 50 && b.cipher.currentKeyId !== a.cipher.currentKeyId; i++) await sleep(20);
      assert.equal(b.cipher.decrypt(fresh, 'users.email:3'), 'late@example.org');
    });

    it('a wrong master key stops the node with one sentence naming the key and the fix', async () => {
      const store = await node();
      const wrong = randomBytes(32).toString('base64');
      await assert.rejects(SharedKeyring.open(store, tempDir(), wrong), (error: unknown) => {
        assert.ok(isCode('master-key-mismatch')(error));
        const message = (error as Error).message;
        assert.match(message, /SSPR_SECRETS_MASTER_KEY does not open the keyring in the store at (sqlite|postgres):/);
        assert.ok(!message.includes(wrong) && !message.includes(masterKey), 'no key in the message');
        return true;
      });
      const dir = tempDir();
      writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ masterKey: wrong }));
      await assert.rejects(SharedKeyring.open(store, dir), (error: unknown) => isCode('master-key-mismatch')(error) && (error as Error).message.includes(join(dir, 'secrets.json')));
    });

    it('never generates a master key for a store that already has a keyring', async () => {
      const dir = tempDir();
      await assert.rejects(SharedKeyring.open(await node(), dir), (error: unknown) => isCode('master-key-missing')(error) && /SSPR_SECRETS_MASTER_KEY_FILE/.test((error as Error).message));
      assert.equal(existsSync(join(dir, 'secrets.json')), false);
    });
  });
}

describe('the shared keyring: first start and migration', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-keyring-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the keys of a secrets.json from before the shared keyring into the store', async () => {
    const dir = tempDir();
    const master = randomBytes(32);
    const k1 = randomBytes(32);
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ masterKey: master.toString('base64'), encryptionKeys: { k1: k1.toString('base64') }, currentEncryptionKey: 'k1' }), { mode: 0o600 });
    const old = new FieldCipher({ currentKeyId: 'k1', keys: new Map([['k0', deriveKeys(master).keyFor('encryption')], ['k1', k1]]) });
    const store = openStore(undefined, dir);
    try {
      await migrate(store);
      const { keyring } = await SharedKeyring.open(store, dir);
      assert.equal(keyring.cipher.currentKeyId, 'k1');
      assert.equal(keyring.cipher.decrypt(old.encrypt('old@example.org', 'c'), 'c'), 'old@example.org');
      assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))), ['masterKey']);
      assert.equal((await SharedKeyring.open(store, dir)).keyring.cipher.currentKeyId, 'k1', 'and reads them from there afterwards');
    } finally {
      await store.close();
    }
  });

  it('refuses a store with accounts but no keyring when this node has no master key', async () => {
    const store = openStore(undefined, tempDir());
    try {
      await migrate(store);
      const cipher = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', randomBytes(32)]]) });
      await new UsersRepository(store.db, systemClock, cipher).add({ username: 'olga', email: 'olga@example.org' });
      await assert.rejects(SharedKeyring.open(store, tempDir()), isCode('master-key-missing'));
    } finally {
      await store.close();
    }
  });

  it('a damaged secrets.json is named, its contents are not', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secrets.json'), '{"masterKey": "c2VjcmV0LXNlY3JldA==", oops');
    const store = openStore(undefined, dir);
    try {
      await migrate(store);
      await assert.rejects(SharedKeyring.open(store, dir), (error: unknown) => {
        assert.ok(isCode('secrets-file-corrupt')(error));
        assert.equal((error as Error).message, `The secrets file ${join(dir, 'secrets.json')} is damaged (it is not JSON): restore it from a backup, or set SSPR_SECRETS_MASTER_KEY to the master key it held.`);
        return true;
      });
    } finally {
      await store.close();
    }
  });
});
