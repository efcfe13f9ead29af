import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HOTP, Secret, TOTP, URI } from 'otpauth';
import { createTotpEnrolment } from '../../../src/methods/totp/totp-enrolment.js';
import { totpQrCodeDataUrl, totpQrCodeSvg } from '../../../src/methods/totp/totp-qr-code.js';
import { verifyTotp } from '../../../src/methods/totp/totp-verification.js';
import { TotpMethod } from '../../../src/methods/totp/totp-method.js';
import type { MethodContext } from '../../../src/methods/method.js';
import { totpStepAt } from '../../../src/methods/totp/totp-parameters.js';

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const rfcSecret = Secret.fromLatin1('12345678901234567890');
const rfcSecretBase32 = rfcSecret.base32;

/** RFC 6238 Appendix B, SHA-1 rows: Unix time (s), step T, 8-digit TOTP. */
const rfcVectors = [
  { time: 59, step: 0x1, totp: '94287082' },
  { time: 1111111109, step: 0x23523ec, totp: '07081804' },
  { time: 1111111111, step: 0x23523ed, totp: '14050471' },
  { time: 1234567890, step: 0x273ef07, totp: '89005924' },
  { time: 2000000000, step: 0x3f940aa, totp: '69279037' },
  { time: 20000000000, step: 0x27bc86aa, totp: '65353130' },
] as const;

function codeAtStep(secretBase32: string, step: number): string {
  return HOTP.generate({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, counter: step });
}

/** The middle of step `step`, in milliseconds. */
function midStep(step: number): number {
  return step * 30_000 + 15_000;
}

describe('TOTP against RFC 6238 Appendix B (SHA-1)', () => {
  it('the RFC seed has the expected base32 form', () => {
    assert.equal(rfcSecretBase32, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });
  for (const { time, step, totp } of rfcVectors) {
    it(`t=${time}: step ${step}, 8-digit ${totp}, 6-digit ${totp.slice(2)} accepted`, () => {
      assert.equal(totpStepAt(time * 1000), step);
      // The library path sspr relies on reproduces the RFC's 8-digit values …
      assert.equal(TOTP.generate({ secret: rfcSecret, algorithm: 'SHA1', digits: 8, period: 30, timestamp: time * 1000 }), totp);
      // … and a 6-digit code is the same value mod 10⁶ (RFC 4226 §5.3), i.e. the last six digits.
      assert.deepEqual(verifyTotp(rfcSecretBase32, totp.slice(2), { now: time * 1000, lastUsedStep: null }), { ok: true, step });
    });
  }
});

describe('verifyTotp window (±1 step)', () => {
  const secret = rfcSecretBase32;
  const current = 37037036;
  const now = midStep(current);
  for (const offset of [-1, 0, 1]) {
    it(`accepts the code of step T${offset >= 0 ? '+' : ''}${offset} and returns that step`, () => {
      const step = current + offset;
      assert.deepEqual(verifyTotp(secret, codeAtStep(secret, step), { now, lastUsedStep: null }), { ok: true, step });
    });
  }
  for (const offset of [-2, 2]) {
    it(`refuses the code of step T${offset > 0 ? '+' : ''}${offset} as wrong`, () => {
      assert.deepEqual(verifyTotp(secret, codeAtStep(secret, current + offset), { now, lastUsedStep: null }), {
        ok: false,
        reason: 'wrong',
      });
    });
  }
  it('holds at the exact step boundaries', () => {
    const firstMs = current * 30_000;
    const lastMs = firstMs + 29_999;
    for (const at of [firstMs, lastMs]) {
      assert.equal(verifyTotp(secret, codeAtStep(secret, current - 1), { now: at, lastUsedStep: null }).ok, true);
      assert.equal(verifyTotp(secret, codeAtStep(secret, current - 2), { now: at, lastUsedStep: null }).ok, false);
    }
    // One millisecond into the next step, T-1 of the old step has become T-2.
    assert.equal(verifyTotp(secret, codeAtStep(secret, current - 1), { now: lastMs + 1, lastUsedStep: null }).ok, false);
  });
  it('accepts a code of any step within one step of now (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: -1, max: 1 }),
        fc.integer({ min: 0, max: 29_999 }),
        (step, offset, within) => {
          const code = codeAtStep(secret, step + offset);
          const result = verifyTotp(secret, code, { now: step * 30_000 + within, lastUsedStep: null });
          // A code may collide with another step's code; then the earliest fresh matching step is returned.
          return result.ok && Math.abs(result.step - step) <= 1 && result.step <= step + offset;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('verifyTotp replay protection (RFC 6238 §5.2)', () => {
  const secret = rfcSecretBase32;
  const current = 41152263;
  const now = midStep(current);
  it('refuses the same code a second time', () => {
    const code = codeAtStep(secret, current);
    const first = verifyTotp(secret, code, { now, lastUsedStep: null });
    assert.deepEqual(first, { ok: true, step: current });
    assert.deepEqual(verifyTotp(secret, code, { now: now + 5_000, lastUsedStep: current }), { ok: false, reason: 'replayed' });
  });
  it('refuses an older code once a newer one was used', () => {
    assert.deepEqual(verifyTotp(secret, codeAtStep(secret, current - 1), { now, lastUsedStep: current }), {
      ok: false,
      reason: 'replayed',
    });
  });
  it('accepts the next step after the last used one', () => {
    assert.deepEqual(verifyTotp(secret, codeAtStep(secret, current + 1), { now, lastUsedStep: current }), {
      ok: true,
      step: current + 1,
    });
    assert.deepEqual(verifyTotp(secret, codeAtStep(secret, current), { now, lastUsedStep: current - 1 }), {
      ok: true,
      step: current,
    });
  });
  it('still calls a code outside the window wrong, not replayed', () => {
    assert.deepEqual(verifyTotp(secret, codeAtStep(secret, current - 5), { now, lastUsedStep: current }), {
      ok: false,
      reason: 'wrong',
    });
  });
});

describe('verifyTotp input handling', () => {
  const secret = rfcSecretBase32;
  const now = 59_000;
  it('tolerates spaces, tabs and no-break spaces inside and around the code', () => {
    for (const typed of ['287 082', ' 287082 ', '28 70 82', '\t287\u00a0082\n']) {
      assert.deepEqual(verifyTotp(secret, typed, { now, lastUsedStep: null }), { ok: true, step: 1 }, typed);
    }
  });
  it('refuses malformed input without checking it', () => {
    const malformed = ['', '   ', '28708', '2870820', '94287082', '28708a', '287-082', '２８７０８２', '٢٨٧٠٨٢', '+87082'];
    for (const typed of malformed) {
      assert.deepEqual(verifyTotp(secret, typed, { now, lastUsedStep: null }), { ok: false, reason: 'malformed' }, typed);
    }
  });
  it('calls a well-formed but wrong code wrong', () => {
    assert.deepEqual(verifyTotp(secret, '287083', { now, lastUsedStep: null }), { ok: false, reason: 'wrong' });
  });
});

describe('createTotpEnrolment', () => {
  it('creates a 160-bit secret and a standard otpauth:// URI (SHA1, 6 digits, 30 s)', () => {
    const { secretBase32, uri } = createTotpEnrolment({ issuer: 'Example Corp', accountName: 'alice@example.com' });
    assert.equal(Secret.fromBase32(secretBase32).bytes.length, 20);
    assert.match(secretBase32, /^[A-Z2-7]{32}$/);
    assert.match(uri, /^otpauth:\/\/totp\/Example%20Corp:alice%40example\.com\?/);
    const parsed = URI.parse(uri);
    assert.ok(parsed instanceof TOTP);
    assert.equal(parsed.issuer, 'Example Corp');
    assert.equal(parsed.label, 'alice@example.com');
    assert.equal(parsed.algorithm, 'SHA1');
    assert.equal(parsed.digits, 6);
    assert.equal(parsed.period, 30);
    assert.equal(parsed.secret.base32, secretBase32);
  });
  it('creates a verifiable secret, different every time', () => {
    const enrol = () => createTotpEnrolment({ issuer: 'sspr', accountName: 'bob' }).secretBase32;
    const secrets = new Set(Array.from({ length: 50 }, enrol));
    assert.equal(secrets.size, 50);
    const { secretBase32 } = createTotpEnrolment({ issuer: 'sspr', accountName: 'bob' });
    const now = Date.UTC(2030, 0, 1);
    assert.equal(verifyTotp(secretBase32, codeAtStep(secretBase32, totpStepAt(now)), { now, lastUsedStep: null }).ok, true);
  });
  it('encodes non-ASCII account names and refuses empty or ambiguous labels', () => {
    const { uri } = createTotpEnrolment({ issuer: 'Müller AG', accountName: 'jürgen.groß' });
    assert.equal(URI.parse(uri).label, 'jürgen.groß');
    assert.throws(() => createTotpEnrolment({ issuer: ' ', accountName: 'a' }), RangeError);
    assert.throws(() => createTotpEnrolment({ issuer: 'a', accountName: '' }), RangeError);
    assert.throws(() => createTotpEnrolment({ issuer: 'a:b', accountName: 'c' }), RangeError);
  });
});

describe('TOTP QR codes', () => {
  const { uri } = createTotpEnrolment({ issuer: 'sspr', accountName: 'carol' });
  it('renders a PNG data URL', async () => {
    const url = await totpQrCodeDataUrl(uri);
    assert.match(url, /^data:image\/png;base64,/);
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
  it('renders an inlinable SVG without scripts or external references', async () => {
    const svg = await totpQrCodeSvg(uri);
    assert.match(svg, /^<svg[\s>]/);
    assert.match(svg, /<\/svg>\s*$/);
    assert.doesNotMatch(svg, /<script|href=|on\w+=/i);
  });
});

describe('TotpMethod without a registration (a decoy)', () => {
  const method = new TotpMethod({ replaceData: async () => true } as never, { now: () => Date.now() });
  const decoy: MethodContext = {
    flow: { digest: 'd', userId: null, username: 'x', state: 'started', methods: [], verified: [], required: 1, sends: 0, expiresAt: 0 },
    method: { id: 'm', type: 'totp', hint: { key: 'totp', params: {} }, ref: 'decoy' },
    user: null,
    registration: null,
    request: { lang: 'en', ip: '192.0.2.1', userAgent: 'test' },
  };
  it('answers a malformed code as malformed and any well-formed code as wrong, like a real account; never verifies', async () => {
    await assert.rejects(method.verify(decoy, { code: 'abc' }), { code: 'code-malformed' });
    for (const code of ['000000', '123456', '999999']) await assert.rejects(method.verify(decoy, { code }), { code: 'totp-wrong' });
  });
});
