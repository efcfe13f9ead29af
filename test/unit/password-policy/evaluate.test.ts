import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bannedTermIndexFor } from '../../../src/password-policy/banned-terms.js';
import { BreachCheckUnavailableError, type BreachChecker } from '../../../src/password-policy/breach-checker.js';
import { evaluatePassword, evaluatePasswordSync, type PasswordContext } from '../../../src/password-policy/evaluate.js';
import { DEFAULT_PASSWORD_SETTINGS, type PasswordSettings } from '../../../src/password-policy/settings.js';

const settings: PasswordSettings = { ...DEFAULT_PASSWORD_SETTINGS, customBanned: ['contoso'] };
const index = bannedTermIndexFor(settings.customBanned);
const user: PasswordContext = {
  username: 'mmuster',
  displayName: 'Muster, Max',
  firstName: 'Max',
  lastName: 'Muster',
  organisation: 'Contoso GmbH',
};

const codes = (verdict: { reasons: { code: string }[] }) => verdict.reasons.map((reason) => reason.code);

function breachOf(passwords: string[]): BreachChecker & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    has: async (password) => {
      calls.push(password);
      return passwords.includes(password);
    },
  };
}

describe('evaluatePasswordSync', () => {
  it('accepts a good passphrase with a strength score', () => {
    const verdict = evaluatePasswordSync('Kaffeetasse-Regenschirm', user, settings, { index });
    assert.equal(verdict.accepted, true);
    assert.deepEqual(verdict.reasons, []);
    assert.ok(verdict.score >= 3);
    assert.equal(verdict.breachCheck, 'skipped');
  });

  it('reports every problem at once, in a stable order, with messages', () => {
    const verdict = evaluatePasswordSync('Muster1', user, settings, { index });
    // "muster" is also one substitution away from the banned "master".
    assert.deepEqual(codes(verdict), ['too-short', 'contains-display-name', 'contains-personal-name', 'banned-term']);
    assert.equal(verdict.reasons[0]?.message, 'Use at least 8 characters; this one has 7.');
  });

  it('speaks German when asked', () => {
    const verdict = evaluatePasswordSync('Sommer2024!', { ...user, lang: 'de' }, settings, { index });
    assert.deepEqual(codes(verdict), ['banned-term']);
    assert.match(verdict.reasons[0]?.message ?? '', /häufig verwendeten Wörtern/);
    assert.doesNotMatch(verdict.reasons[0]?.message ?? '', /sommer|2024|Punkt/i);
  });

  it('counts code points after NFC, allowing spaces and any Unicode', () => {
    const decomposed = 'Gru\u0308ße'; // 6 code points after NFC, 7 before
    assert.deepEqual(codes(evaluatePasswordSync(decomposed, user, settings, { index })).slice(0, 1), ['too-short']);
    assert.equal(
      evaluatePasswordSync(decomposed, user, settings, { index }).reasons[0]?.message,
      'Use at least 8 characters; this one has 5.',
    );
    assert.equal(evaluatePasswordSync('🦊 Füchse träumen 🌙 leise', user, settings, { index }).accepted, true);
  });

  it('answers an overlong password with too-long only, cheaply', () => {
    const long = 'x'.repeat(10_000_000);
    // CPU time, not wall time: a loaded machine stretches the wall clock, not the work.
    const started = process.cpuUsage();
    const verdict = evaluatePasswordSync(long, user, settings, { index });
    assert.deepEqual(codes(verdict), ['too-long']);
    const spent = process.cpuUsage(started);
    assert.ok((spent.user + spent.system) / 1000 < 1000, `${(spent.user + spent.system) / 1000} ms of CPU`);
    assert.deepEqual(codes(evaluatePasswordSync('y'.repeat(257), user, settings, { index })), ['too-long']);
    const varied = Array.from({ length: 256 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 5000))).join('');
    assert.deepEqual(codes(evaluatePasswordSync(varied, user, settings, { index })), []);
  });

  it('applies composition rules only when configured', () => {
    const password = 'lowercase words only here';
    assert.equal(evaluatePasswordSync(password, user, settings, { index }).accepted, true);
    const strict = { ...settings, requireThreeClasses: true };
    assert.deepEqual(codes(evaluatePasswordSync(password, user, strict, { index })), ['not-complex']);
  });

  it('flags common passwords in any spelling, and trivial patterns as too weak', () => {
    assert.ok(codes(evaluatePasswordSync('Iloveyou', user, settings, { index })).includes('common-password'));
    assert.ok(codes(evaluatePasswordSync('ILOVEY0U', user, settings, { index })).includes('common-password'));
    assert.deepEqual(codes(evaluatePasswordSync('abcabcabcabc', user, settings, { index })), ['too-weak']);
    const off = { ...settings, checkCommonPasswords: false, minStrengthScore: 0 };
    assert.deepEqual(codes(evaluatePasswordSync('abcabcabcabc', user, off, { index })), []);
  });
});

describe('evaluatePassword (async)', () => {
  it('adds breached when the corpus has the password', async () => {
    const breach = breachOf(['Quiet-River-Stone-9']);
    const verdict = await evaluatePassword('Quiet-River-Stone-9', user, settings, { index, breach });
    assert.deepEqual(codes(verdict), ['breached']);
    assert.equal(verdict.breachCheck, 'breached');
    assert.match(verdict.reasons[0]?.message ?? '', /data breaches/);
    const clean = await evaluatePassword('Quiet-River-Stone-10', user, settings, { index, breach });
    assert.equal(clean.accepted, true);
    assert.equal(clean.breachCheck, 'passed');
  });

  it('hashes the NFC form for breach and history checks', async () => {
    const breach = breachOf([]);
    const seen: string[] = [];
    const ctx = { ...user, isInHistory: async (password: string) => (seen.push(password), false) };
    await evaluatePassword('Gru\u0308ne Wiese am Hang', ctx, settings, { index, breach });
    assert.deepEqual(breach.calls, ['Grüne Wiese am Hang']);
    assert.deepEqual(seen, ['Grüne Wiese am Hang']);
  });

  it('lets the password through when the breach checker is unavailable, and says so', async () => {
    const failing: BreachChecker = {
      has: async () => {
        throw new BreachCheckUnavailableError('down');
      },
    };
    const verdict = await evaluatePassword('Quiet-River-Stone-9', user, settings, { index, breach: failing });
    assert.equal(verdict.accepted, true);
    assert.equal(verdict.breachCheck, 'unavailable');
  });

  it('reports not-configured / disabled breach checks', async () => {
    assert.equal((await evaluatePassword('Quiet-River-Stone-9', user, settings, { index })).breachCheck, 'not-configured');
    const off = { ...settings, checkBreached: false };
    const breach = breachOf(['Quiet-River-Stone-9']);
    const verdict = await evaluatePassword('Quiet-River-Stone-9', user, off, { index, breach });
    assert.equal(verdict.breachCheck, 'disabled');
    assert.deepEqual(breach.calls, []);
  });

  it('checks history last, only for otherwise acceptable passwords', async () => {
    const calls: string[] = [];
    const ctx: PasswordContext = {
      ...user,
      isInHistory: async (password) => {
        calls.push(password);
        return password === 'Quiet-River-Stone-9';
      },
    };
    assert.deepEqual(codes(await evaluatePassword('Quiet-River-Stone-9', ctx, settings, { index })), ['in-history']);
    assert.deepEqual(codes(await evaluatePassword('short', ctx, settings, { index })), ['too-short']);
    assert.deepEqual(calls, ['Quiet-River-Stone-9']);
  });

  it('skips everything else for an overlong password', async () => {
    const breach = breachOf([]);
    const verdict = await evaluatePassword('z'.repeat(300), user, settings, { index, breach });
    assert.deepEqual(codes(verdict), ['too-long']);
    assert.equal(verdict.breachCheck, 'skipped');
    assert.deepEqual(breach.calls, []);
  });
});
