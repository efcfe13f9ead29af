import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertMayActOn, temporaryPassword } from '../../../src/flows/helpdesk/caller-verification.js';
import { policyChanges, changesLine } from '../../../src/policy/policy-changes.js';
import { defaultSsprPolicy } from '../../../src/policy/sspr-policy.js';
import { candidatePolicy } from '../../../src/policy/policy-store.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import type { DirectoryUser } from '../../../src/directory/directory.js';

const user = (isAdmin: boolean): DirectoryUser => ({ id: 'u', username: 'u', displayName: 'U', firstName: '', lastName: '', email: null, mobile: null, enabled: true, isAdmin, source: 'local', anchor: null });

describe('helpdesk rules', () => {
  it('a helpdesk operator may not act on an administrator; an administrator may', () => {
    assert.throws(() => assertMayActOn({ label: 'user:desk', isAdmin: false }, user(true)), (e: unknown) => e instanceof SsprError && e.code === 'helpdesk-target-refused');
    assert.doesNotThrow(() => assertMayActOn({ label: 'user:desk', isAdmin: false }, user(false)));
    assert.doesNotThrow(() => assertMayActOn({ label: 'user:root', isAdmin: true }, user(true)));
  });

  it('temporary passwords: four groups of five, no look-alikes, all three character classes, never repeated', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = temporaryPassword();
      assert.match(password, /^[A-HJ-NP-Za-km-z2-9]{5}(-[A-HJ-NP-Za-km-z2-9]{5}){3}$/);
      assert.match(password, /[A-Z]/);
      assert.match(password, /[a-z]/);
      assert.match(password, /\d/);
      seen.add(password);
    }
    assert.equal(seen.size, 200);
  });
});

describe('policy changes', () => {
  it('lists changed settings with old and new values, throttles one by one', () => {
    const after = candidatePolicy(defaultSsprPolicy, { methodsRequired: 2, throttles: { smsPerHour: 3 } });
    const changes = policyChanges(defaultSsprPolicy, after);
    assert.equal(changesLine(changes), 'methodsRequired: 1 → 2; throttles.smsPerHour: 5 → 3');
  });

  it('a refused candidate names the setting and the allowed range', () => {
    assert.throws(
      () => candidatePolicy(defaultSsprPolicy, { questionsToAnswer: 9 }),
      (e: unknown) => e instanceof SsprError && e.code === 'policy-setting-invalid' && /questionsToAnswer/.test(e.message) && /5/.test(e.message),
    );
  });
});
