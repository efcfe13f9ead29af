/**
 * What a password change costs the store, on SQLite and PostgreSQL, for a directory account (OpenLDAP over
 * ldaps://, direct mode) changed through the JSON API: the follow-ups (sessions, flows, stored expiry, sign-in
 * failures, the owner's notice with its "this wasn't me" link and its outbox row, the audit events) are one
 * commit; a change the directory refuses writes none of them. The notice's delivery then removes its row and
 * audits it in one more commit. The directory write is audited even when every follow-up fails. The sign-in
 * before it writes its session and its event in one commit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSlapd, ldapsDirectory, type Slapd } from '../support/slapd.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type Dialect, type TestService } from '../support/test-service.js';
import { runServiceSync } from '../../src/app/service-sync.js';
import { countStoreWrites } from '../support/store-writes.js';
import { WriteBatch } from '../../src/store/write-batch.js';
import type { SetPasswordDeps } from '../../src/flows/password/set-password.js';
import type { SignIn } from '../../src/session/sign-in.js';

/** A write batch whose transaction fails after its first read (an injected store fault). */
const failingBatches = (svc: TestService) => ({
  begin: () => {
    const batch = new WriteBatch(svc.services.store.db);
    void batch.add(async (trx) => {
      await trx.selectFrom('users').select('id').limit(1).execute();
      throw new Error('the store gave up (injected)');
    });
    return batch;
  },
});

let slapd: Slapd;
let sink: SmtpSink;

before(async () => {
  [slapd, sink] = await Promise.all([startSlapd(), SmtpSink.start()]);
  for (const uid of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon']) await slapd.addUser({ uid, password: `${uid}-Original-Pass-1`, givenName: uid, sn: 'Example', mail: `${uid}@example.org` });
});
after(async () => {
  await Promise.all([slapd?.stop(), sink?.close()]);
});

for (const [dialect, changer, refused, unlucky, doomed, signer] of [['sqlite', 'ann', 'bob', 'eve', 'gus', 'ivy'], ['postgres', 'cat', 'dan', 'fay', 'hal', 'jon']] as Array<[Dialect, string, string, string, string, string]>) {
  describe(`a password change on ${dialect}`, () => {
    let svc: TestService;
    before(async () => {
      svc = await startTestService({ dialect, smtpUrl: sink.url, env: { SSPR_DIRECTORY: JSON.stringify(ldapsDirectory(slapd)) } });
      await runServiceSync(svc.services, { full: true });
    });
    after(async () => {
      await svc?.close();
    });

    async function signIn(username: string, password: string): Promise<string> {
      const response = await svc.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
      assert.equal(response.statusCode, 200, response.body);
      return String(response.headers['set-cookie']).split(';')[0]!;
    }
    const change = (cookie: string, currentPassword: string, newPassword: string) =>
      svc.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: { cookie }, payload: { currentPassword, newPassword } });
    const rowsOf = async (userId: string) => {
      const db = svc.services.store.db;
      const [links, outbox, audit] = await Promise.all([
        db.selectFrom('not_me_links').select('user_id').where('user_id', '=', userId).execute(),
        db.selectFrom('delivery_queue').select('id').where('queue', '=', 'outbox').execute(),
        db.selectFrom('audit_events').select('event').where('username', '=', refused).execute(),
      ]);
      return { links: links.length, outbox: outbox.length, audit: audit.map((row) => row.event).sort() };
    };

    it('a sign-in commits its session and its event once; when that fails, they are written one at a time', async () => {
      await svc.services.audit.drain();
      const { result, writes } = await countStoreWrites(() => svc.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: signer, password: `${signer}-Original-Pass-1` } }));
      assert.equal(result.statusCode, 200, result.body);
      const listing = `\n  ${writes.sql.join('\n  ')}`;
      assert.equal(writes.commits, 1, listing);
      const begin = writes.sql.indexOf('begin');
      const end = writes.sql.indexOf('commit');
      const writesAt = writes.sql.flatMap((text, index) => (/^(insert|update|delete)/.test(text) ? [index] : []));
      assert.deepEqual(writesAt.map((index) => /^insert into "(\w+)"/.exec(writes.sql[index]!)?.[1]), ['sessions', 'audit_events'], listing);
      assert.ok(writesAt.every((index) => index > begin && index < end), `both in the transaction${listing}`);

      const owner = svc.services.signIn as unknown as { batches: ConstructorParameters<typeof SignIn>[6] };
      const batches = owner.batches;
      owner.batches = failingBatches(svc);
      let cookie: string;
      try {
        cookie = await signIn(signer, `${signer}-Original-Pass-1`);
      } finally {
        owner.batches = batches;
      }
      assert.equal((await svc.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode, 200, 'the session works');
      await svc.services.audit.drain();
      const trail = await svc.services.auditLog.list({ username: signer });
      assert.equal(trail.filter((e) => e.event === 'sign-in' && e.outcome === 'success').length, 2, 'each sign-in audited once');
    });

    it('a successful change commits its follow-ups once', async () => {
      const cookie = await signIn(changer, `${changer}-Original-Pass-1`);
      const other = await signIn(changer, `${changer}-Original-Pass-1`);
      let password = `${changer}-Original-Pass-1`;
      const counts: Array<{ statements: number; commits: number; after: { statements: number; commits: number } }> = [];
      const settle = async () => {
        await svc.services.mail.drain();
        await svc.services.audit.drain();
      };
      for (const next of ['Copper lantern meadow 41', 'Silver harbour falcon 52', 'Amber canyon pelican 63']) {
        // The work of earlier requests done first: the count is this change's.
        await settle();
        const { result, writes } = await countStoreWrites(() => change(cookie, password, next));
        // What follows in the background: the notice sent from the outbox.
        const { writes: after } = await countStoreWrites(settle);
        assert.equal(result.statusCode, 200, result.body);
        password = next;
        counts.push({ statements: writes.statements, commits: writes.commits, after: { statements: after.statements, commits: after.commits } });
        assert.equal(after.commits, 1, `the notice's row removed and its delivery audited in one commit:\n  ${after.sql.join('\n  ')}`);
        if (process.env.SSPR_SHOW_STORE_WRITES) console.log(dialect, writes.statements, writes.commits, writes.sql.join('\n  '));
        // Two commits: the directory write's start record (audited-writeback.ts), written while the directory works,
        // and one transaction holding every follow-up write.
        const listing = `\n  ${writes.sql.join('\n  ')}`;
        assert.equal(writes.commits, 2, listing);
        const begin = writes.sql.indexOf('begin');
        const end = writes.sql.indexOf('commit');
        const writesAt = writes.sql.flatMap((text, index) => (/^(insert|update|delete)/.test(text) ? [index] : []));
        assert.ok(/^insert into "audit_events"/.test(writes.sql[writesAt[0]!]!) && writesAt[0]! < begin, `the start record comes first${listing}`);
        assert.ok(writesAt.slice(1).every((index) => index > begin && index < end), `every follow-up write is in the transaction${listing}`);
      }
      const me = (cookie: string) => svc.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      assert.equal((await me(cookie)).statusCode, 200, 'the session that changed the password stays');
      assert.equal((await me(other)).statusCode, 401, 'the other session ended');
      const user = await svc.services.users.get(changer);
      const links = await svc.services.store.db.selectFrom('not_me_links').select('user_id').where('user_id', '=', user.id).execute();
      assert.equal(links.length, 3, 'one "this wasn\'t me" link per notice');
      await svc.services.mail.drain();
      await svc.services.audit.drain();
      const trail = await svc.services.auditLog.list({ username: changer });
      assert.equal(trail.filter((e) => e.event === 'change-password' && e.outcome === 'success').length, 3);
      assert.equal(trail.filter((e) => e.event === 'not-me-link-sent').length, 3);
      assert.equal(sink.messages.filter((m) => m.to === `${changer}@example.org`).length, 3, 'the notices went out');
      console.log(`${dialect}: statements, commits per change ${JSON.stringify(counts)}`);
    });

    it('a change the directory refuses writes no follow-up', async () => {
      const cookie = await signIn(refused, `${refused}-Original-Pass-1`);
      await svc.services.mail.drain();
      await svc.services.audit.drain();
      const user = await svc.services.users.get(refused);
      const before = await rowsOf(user.id);
      // The directory refuses the change (the current password is wrong) after the service's checks passed.
      const answer = await change(cookie, 'not-the-password-1', 'Walnut comet harbour 74');
      assert.equal(JSON.parse(answer.body).error?.code, 'writeback-wrong-old-password', answer.body);
      await svc.services.mail.drain();
      await svc.services.audit.drain();
      const afterwards = await rowsOf(user.id);
      assert.equal(afterwards.links, before.links, 'no link');
      assert.equal(afterwards.outbox, before.outbox, 'no outbox row');
      const trail = await svc.services.auditLog.list({ username: refused });
      assert.deepEqual(trail.filter((e) => e.event === 'change-password' || e.event === 'not-me-link-sent').map((e) => e.outcome), ['failure'], 'only the failure is audited');
      assert.equal((await svc.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode, 200, 'the session stays');
    });

    it('when the follow-ups\' transaction fails, they are written one at a time: the act completes once', async () => {
      const cookie = await signIn(unlucky, `${unlucky}-Original-Pass-1`);
      const other = await signIn(unlucky, `${unlucky}-Original-Pass-1`);
      const deps = (svc.services.setPassword as unknown as { deps: SetPasswordDeps }).deps;
      const batches = deps.batches;
      deps.batches = failingBatches(svc);
      try {
        const answer = await change(cookie, `${unlucky}-Original-Pass-1`, 'Marble orchard kestrel 85');
        assert.equal(answer.statusCode, 200, answer.body);
      } finally {
        deps.batches = batches;
      }
      assert.equal((await svc.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: other } })).statusCode, 401, 'the other session ended');
      await svc.services.mail.drain();
      await svc.services.audit.drain();
      const user = await svc.services.users.get(unlucky);
      const links = await svc.services.store.db.selectFrom('not_me_links').select('user_id').where('user_id', '=', user.id).execute();
      assert.equal(links.length, 1, 'one link');
      const trail = await svc.services.auditLog.list({ username: unlucky });
      const count = (event: string) => trail.filter((e) => e.event === event).length;
      assert.deepEqual([count('change-password'), count('not-me-link-sent'), count('writeback.change.start'), count('writeback.change.success')], [1, 1, 1, 1], 'each event once');
      assert.equal(sink.messages.filter((m) => m.to === `${unlucky}@example.org`).length, 1, 'one notice');
    });

    it('when the directory took the password and every follow-up fails, the write is still audited', async () => {
      const cookie = await signIn(doomed, `${doomed}-Original-Pass-1`);
      const deps = (svc.services.setPassword as unknown as { deps: SetPasswordDeps }).deps;
      const { batches, sessions } = deps;
      const fault = () => new Error('the store gave up (injected)');
      deps.batches = {
        begin: () => {
          const batch = new WriteBatch(svc.services.store.db);
          void batch.add(async () => {
            throw fault();
          });
          return batch;
        },
      };
      deps.sessions = { deleteForUser: async () => { throw fault(); } };
      try {
        const answer = await change(cookie, `${doomed}-Original-Pass-1`, 'Granite tulip osprey 96');
        assert.equal(answer.statusCode, 500, answer.body);
      } finally {
        deps.batches = batches;
        deps.sessions = sessions;
      }
      await svc.services.mail.drain();
      await svc.services.audit.drain();
      const trail = await svc.services.auditLog.list({ username: doomed });
      const count = (event: string) => trail.filter((e) => e.event === event).length;
      // The start record is written while the directory works; the success record, handed back by the rolled-back
      // batch, is written on its own (audited-writeback.ts, Audit).
      assert.deepEqual([count('writeback.change.start'), count('writeback.change.success')], [1, 1], 'the directory write is in the trail');
      assert.equal(count('not-me-link-sent'), 0, 'no notice for follow-ups that were not written');
      assert.equal((await svc.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: doomed, password: 'Granite tulip osprey 96' } })).statusCode, 200, 'the directory holds the new password');
    });
  });
}
