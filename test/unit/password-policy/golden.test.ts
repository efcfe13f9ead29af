/**
 * Golden verdicts: a few hundred passwords with the verdict and reason codes we expect,
 * each reviewed by hand (common passwords, season + year, keyboard walks, decorated
 * "password"s, clubs, names, passphrases, random strings, Unicode, overlong input).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bannedTermIndexFor } from '../../../src/password-policy/banned-terms.js';
import { evaluatePasswordSync, type PasswordContext } from '../../../src/password-policy/evaluate.js';
import { passwordSettingsSchema } from '../../../src/password-policy/settings.js';

interface GoldenCase {
  password: string;
  context: string;
  accepted: boolean;
  reasons: string[];
}
interface GoldenFile {
  settings: { customBanned: string[] };
  contexts: Record<string, PasswordContext>;
  cases: GoldenCase[];
}

const golden = JSON.parse(readFileSync(new URL('./golden.json', import.meta.url), 'utf8')) as GoldenFile;
const settings = passwordSettingsSchema.parse(golden.settings);
const index = bannedTermIndexFor(settings.customBanned);

describe('golden verdicts', () => {
  it('has a few hundred reviewed cases, both accepted and rejected', () => {
    assert.ok(golden.cases.length >= 250);
    assert.ok(golden.cases.filter((c) => c.accepted).length >= 60);
    assert.ok(golden.cases.filter((c) => !c.accepted).length >= 150);
  });

  it('every case gets exactly its expected verdict and reason codes', () => {
    const mismatches: string[] = [];
    for (const { password, context, accepted, reasons } of golden.cases) {
      const ctx = golden.contexts[context];
      assert.ok(ctx, `unknown context ${context}`);
      const verdict = evaluatePasswordSync(password, ctx, settings, { index });
      const actual = verdict.reasons.map((reason) => reason.code);
      if (verdict.accepted !== accepted || JSON.stringify(actual) !== JSON.stringify(reasons)) {
        mismatches.push(`${JSON.stringify(password)} [${context}]: expected ${reasons.join(',') || 'accepted'}, got ${actual.join(',') || 'accepted'}`);
      }
      assert.equal(verdict.accepted, verdict.reasons.length === 0);
    }
    assert.deepEqual(mismatches, []);
  });
});
