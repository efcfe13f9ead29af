import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideEligibility, usableMethods, type EligibilityInput } from '../../../src/policy/eligibility.js';
import { defaultSsprPolicy, type SsprPolicy } from '../../../src/policy/sspr-policy.js';
import { registration, userNamed } from '../flows/fakes.js';

const user = userNamed('erik', { mobile: '+4915112345678' });
const input = (over: Partial<EligibilityInput> = {}, policy: Partial<SsprPolicy> = {}): EligibilityInput => ({
  user, groups: [], plans: [], registrations: [], policy: { ...defaultSsprPolicy, ...policy }, ...over,
});

describe('eligibility (pure)', () => {
  it('contact data counts as e-mail and SMS methods unless the policy says otherwise', () => {
    assert.deepEqual(usableMethods(user, [], defaultSsprPolicy).map((m) => m.ref), ['contact:email', 'contact:mobile']);
    assert.deepEqual(usableMethods(user, [], { ...defaultSsprPolicy, contactDataCounts: false }), []);
    const registered = registration(user, 'email', { address: user.email });
    assert.deepEqual(usableMethods(user, [registered], defaultSsprPolicy).map((m) => m.ref), [registered.id, 'contact:mobile'], 'no double count');
  });

  it('checks in order: account, scope, licence, methods', () => {
    const disabled = decideEligibility(input({ user: { ...user, enabled: false } }, { enabled: 'none' }));
    assert.deepEqual(disabled.eligible ? null : disabled.refusal, { code: 'account-state', detail: 'disabled' });
    const none = decideEligibility(input({}, { enabled: 'none', licenceRequired: true }));
    assert.deepEqual(none.eligible ? null : none.refusal, { code: 'sspr-enabled', detail: 'disabled-for-everyone' });
    const outside = decideEligibility(input({ groups: ['Staff'] }, { enabled: 'selected', group: 'SSPR-Users' }));
    assert.deepEqual(outside.eligible ? null : outside.refusal, { code: 'sspr-enabled', detail: 'not-in-group' });
    assert.equal(decideEligibility(input({ groups: ['sspr-users'] }, { enabled: 'selected', group: 'SSPR-Users' })).eligible, true, 'group names compare case-insensitively');
    const unlicensed = decideEligibility(input({ plans: ['other'] }, { licenceRequired: true }));
    assert.deepEqual(unlicensed.eligible ? null : unlicensed.refusal, { code: 'license-assigned', detail: 'no-licence' });
    assert.equal(decideEligibility(input({ plans: ['sspr-writeback'] }, { licenceRequired: true })).eligible, true);
  });

  it('counts distinct method types against the requirement', () => {
    const bare = userNamed('bare', { email: null });
    const refused = decideEligibility(input({ user: bare }));
    assert.deepEqual(refused.eligible ? null : refused.refusal, { code: 'methods-registered', detail: { registered: 0, required: 1 } });
    const twoOfOne = decideEligibility(input({ user: { ...user, mobile: null }, registrations: [registration(user, 'email', { address: 'other@example.org' })] }, { methodsRequired: 2 }));
    assert.deepEqual(twoOfOne.eligible ? null : twoOfOne.refusal, { code: 'methods-registered', detail: { registered: 1, required: 2 } });
  });

  it('administrators need two methods and may not use security questions (two-gate), whatever the policy', () => {
    const admin = userNamed('root', { isAdmin: true, mobile: null });
    const withQuestions = decideEligibility(input({ user: admin, registrations: [registration(admin, 'questions')] }, { methodsRequired: 1 }));
    assert.deepEqual(withQuestions.eligible ? null : withQuestions.refusal, { code: 'admin-policy', detail: { registered: 1, required: 2 } });
    assert.equal(withQuestions.methods.some((m) => m.type === 'questions'), false);
    const withTotp = decideEligibility(input({ user: admin, registrations: [registration(admin, 'totp')] }));
    assert.equal(withTotp.eligible, true);
    assert.equal(withTotp.required, 2);
  });
});
