import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PasskeyService, type StoredPasskey } from '../../../src/methods/passkey/passkey-service.js';
import { PasskeyError, type PasskeyFailureReason } from '../../../src/methods/passkey/passkey-error.js';
import { ManualClock } from '../../support/manual-clock.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';

const rpId = 'sspr.example.org';
const origin = 'https://sspr.example.org';
const user = { id: 'user-1', username: 'emma', displayName: 'Emma English' };

function setup(countsSignatures = true) {
  const clock = new ManualClock();
  const service = new PasskeyService({ rpName: 'sspr', rpId, origin, clock });
  const authenticator = new SoftAuthenticator(rpId, origin, countsSignatures);
  return { clock, service, authenticator };
}

async function registered(countsSignatures = true) {
  const context = setup(countsSignatures);
  const { challenge } = await context.service.registrationOptions(user, []);
  const passkey = await context.service.verifyRegistration(context.authenticator.register(challenge), challenge);
  return { ...context, passkey };
}

const refusedWith = (reason: PasskeyFailureReason) => (error: unknown) => {
  assert.ok(error instanceof PasskeyError, `expected PasskeyError, got ${String(error)}`);
  assert.equal(error.reason, reason, error.message);
  return true;
};

describe('PasskeyService options', () => {
  it('asks for a discoverable credential with preferred user verification and no attestation, excluding known ones', async () => {
    const { service } = setup();
    const existing: StoredPasskey = { credentialId: 'AAEC', publicKey: 'pk', counter: 0, transports: ['usb'], createdAt: 0 };
    const { options, challenge } = await service.registrationOptions(user, [existing]);
    assert.equal(options.challenge, challenge);
    assert.match(challenge, /^[A-Za-z0-9_-]{20,}$/);
    assert.deepEqual(options.rp, { name: 'sspr', id: rpId });
    assert.equal(options.user.name, 'emma');
    assert.equal(options.user.displayName, 'Emma English');
    assert.equal(Buffer.from(options.user.id, 'base64url').toString(), 'user-1');
    assert.equal(options.attestation, 'none');
    assert.equal(options.authenticatorSelection?.residentKey, 'preferred');
    assert.equal(options.authenticatorSelection?.userVerification, 'preferred');
    assert.deepEqual(options.excludeCredentials, [{ id: 'AAEC', type: 'public-key', transports: ['usb'] }]);
  });

  it('issues a fresh challenge every time', async () => {
    const { service } = setup();
    const first = await service.authenticationOptions([]);
    const second = await service.authenticationOptions([]);
    assert.notEqual(first.challenge, second.challenge);
  });

  it('limits sign-in to the given passkeys', async () => {
    const { service, passkey } = await registered();
    const { options, challenge } = await service.authenticationOptions([passkey]);
    assert.equal(options.challenge, challenge);
    assert.equal(options.rpId, rpId);
    assert.equal(options.userVerification, 'preferred');
    assert.deepEqual(options.allowCredentials, [{ id: passkey.credentialId, type: 'public-key', transports: ['internal'] }]);
  });

  it('refuses a user id that cannot be a user handle', async () => {
    const { service } = setup();
    await assert.rejects(service.registrationOptions({ ...user, id: '' }, []), RangeError);
    await assert.rejects(service.registrationOptions({ ...user, id: 'x'.repeat(65) }, []), RangeError);
  });
});

describe('PasskeyService registration', () => {
  it('returns the passkey to store, with known transports only and our clock’s time', async () => {
    const { passkey, authenticator, clock } = await registered();
    assert.equal(passkey.credentialId, authenticator.credentialId.toString('base64url'));
    assert.match(passkey.publicKey, /^[A-Za-z0-9_-]+$/);
    assert.equal(passkey.counter, 0);
    assert.deepEqual(passkey.transports, ['internal']);
    assert.equal(passkey.createdAt, clock.now());
  });

  it('refuses a response to another challenge, from another origin, or of the wrong ceremony', async () => {
    const { service, authenticator } = setup();
    const { challenge } = await service.registrationOptions(user, []);
    await assert.rejects(service.verifyRegistration(authenticator.register('b3RoZXI'), challenge), refusedWith('challenge-mismatch'));
    await assert.rejects(service.verifyRegistration(authenticator.register(challenge), ''), refusedWith('challenge-mismatch'));
    await assert.rejects(service.verifyRegistration(authenticator.register(challenge, { origin: 'https://evil.example' }), challenge), refusedWith('origin-mismatch'));
    await assert.rejects(service.verifyRegistration(authenticator.register(challenge, { type: 'webauthn.get' }), challenge), refusedWith('wrong-ceremony'));
  });

  it('refuses a credential scoped to another RP ID', async () => {
    const { service, authenticator } = setup();
    const { challenge } = await service.registrationOptions(user, []);
    await assert.rejects(service.verifyRegistration(authenticator.register(challenge, { rpId: 'evil.example' }), challenge), refusedWith('not-verified'));
  });

  it('refuses undecodable attestation without crashing', async () => {
    const { service, authenticator } = setup();
    const { challenge } = await service.registrationOptions(user, []);
    const response = authenticator.register(challenge);
    response.response.attestationObject = 'AAAA';
    await assert.rejects(service.verifyRegistration(response, challenge), refusedWith('not-verified'));
  });

  it('refuses anything not shaped like a registration response as malformed', async () => {
    const { service, authenticator } = setup();
    const { challenge } = await service.registrationOptions(user, []);
    const good = authenticator.register(challenge);
    const junk: unknown[] = [
      null,
      'string',
      42,
      [],
      {},
      { ...good, id: 'not base64url!' },
      { ...good, id: 'a'.repeat(2000), rawId: 'a'.repeat(2000) },
      { ...good, type: 'password' },
      { ...good, response: undefined },
      { ...good, response: { ...good.response, clientDataJSON: 12 } },
      { ...good, response: { ...good.response, clientDataJSON: Buffer.from('not json').toString('base64url') } },
      { ...good, response: { ...good.response, clientDataJSON: Buffer.from('{"type":1}').toString('base64url') } },
      { ...good, response: { ...good.response, attestationObject: 'x'.repeat(70_000) } },
      { ...good, response: { ...good.response, transports: 'usb' } },
    ];
    for (const response of junk) await assert.rejects(service.verifyRegistration(response, challenge), refusedWith('malformed'), JSON.stringify(response)?.slice(0, 60));
  });
});

describe('PasskeyService authentication', () => {
  it('verifies a sign-in and reports the new counter and user verification', async () => {
    const { service, authenticator, passkey } = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    const response = authenticator.authenticate(challenge);
    assert.equal(service.credentialIdOf(response), passkey.credentialId);
    assert.deepEqual(await service.verifyAuthentication(response, challenge, passkey), { ok: true, newCounter: 1, userVerified: true });
  });

  it('accepts presence without verification (preferred, not required) and says so', async () => {
    const { service, authenticator, passkey } = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    const result = await service.verifyAuthentication(authenticator.authenticate(challenge, { userVerified: false }), challenge, passkey);
    assert.equal(result.userVerified, false);
  });

  it('refuses a replayed assertion once the stored counter moved on', async () => {
    const { service, authenticator, passkey } = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    const response = authenticator.authenticate(challenge);
    passkey.counter = (await service.verifyAuthentication(response, challenge, passkey)).newCounter;
    await assert.rejects(service.verifyAuthentication(response, challenge, passkey), refusedWith('counter-replay'));
  });

  it('refuses a counter that went backwards (a cloned authenticator)', async () => {
    const { service, authenticator, passkey } = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    await assert.rejects(service.verifyAuthentication(authenticator.authenticate(challenge, { counter: 3 }), challenge, { ...passkey, counter: 5 }), refusedWith('counter-replay'));
  });

  it('accepts non-counting passkeys again and again — only single-use challenges stop replays there', async () => {
    const { service, authenticator, passkey } = await registered(false);
    const { challenge } = await service.authenticationOptions([passkey]);
    const response = authenticator.authenticate(challenge);
    assert.equal((await service.verifyAuthentication(response, challenge, passkey)).newCounter, 0);
    assert.equal((await service.verifyAuthentication(response, challenge, passkey)).ok, true);
    const next = await service.authenticationOptions([passkey]);
    await assert.rejects(service.verifyAuthentication(response, next.challenge, passkey), refusedWith('challenge-mismatch'));
  });

  it('refuses a wrong challenge, a foreign origin, and a registration ceremony', async () => {
    const { service, authenticator, passkey } = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    await assert.rejects(service.verifyAuthentication(authenticator.authenticate('b3RoZXI'), challenge, passkey), refusedWith('challenge-mismatch'));
    await assert.rejects(service.verifyAuthentication(authenticator.authenticate(challenge, { origin: 'http://sspr.example.org' }), challenge, passkey), refusedWith('origin-mismatch'));
    await assert.rejects(service.verifyAuthentication(authenticator.authenticate(challenge, { type: 'webauthn.create' }), challenge, passkey), refusedWith('wrong-ceremony'));
  });

  it('refuses an assertion checked against another stored passkey', async () => {
    const { service, authenticator, passkey } = await registered();
    const other = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    await assert.rejects(service.verifyAuthentication(authenticator.authenticate(challenge), challenge, other.passkey), refusedWith('unknown-credential'));
  });

  it('refuses a bad signature and a foreign RP ID as not verified', async () => {
    const { service, authenticator, passkey } = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    const forged = authenticator.authenticate(challenge);
    const signature = Buffer.from(forged.response.signature, 'base64url');
    signature[signature.length - 1]! ^= 1;
    forged.response.signature = signature.toString('base64url');
    await assert.rejects(service.verifyAuthentication(forged, challenge, passkey), refusedWith('not-verified'));
    await assert.rejects(service.verifyAuthentication(authenticator.authenticate(challenge, { rpId: 'evil.example' }), challenge, passkey), refusedWith('not-verified'));
  });

  it('refuses junk and truncated authenticator data as malformed', async () => {
    const { service, authenticator, passkey } = await registered();
    const { challenge } = await service.authenticationOptions([passkey]);
    const good = authenticator.authenticate(challenge);
    for (const response of [undefined, { ...good, response: { ...good.response, signature: undefined } }, { ...good, response: { ...good.response, authenticatorData: 'AAAA' } }]) {
      await assert.rejects(service.verifyAuthentication(response, challenge, passkey), refusedWith('malformed'));
    }
    assert.throws(() => service.credentialIdOf({ id: 1 }), refusedWith('malformed'));
  });
});
