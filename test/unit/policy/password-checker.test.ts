/**
 * Whose line a password check waits in (evaluation-turns.ts): a named subject's account, else the client network
 * the check came from. One client's flood of anonymous checks fills only its own few places.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyPasswordChecker } from '../../../src/policy/password-checker.js';
import type { BannedTermsRepository } from '../../../src/store/banned-terms-repository.js';
import { DEFAULT_TURN_LIMITS, passwordSettingsSchema } from '../../../src/password-policy/index.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import { systemClock } from '../../../src/store/clock.js';

const bannedTerms = { list: () => Promise.resolve([]) } as unknown as BannedTermsRepository;
const checker = new PolicyPasswordChecker(passwordSettingsSchema.parse({}), bannedTerms, 'Contoso', undefined, systemClock);

/** Concurrent checks, settled (so none is an unhandled rejection while others are awaited). */
const started = (checks: Array<Promise<unknown>>) => Promise.allSettled(checks);

/** How many of the checks were refused busy (503); any other failure fails the test. */
async function refusedOf(settled: Promise<Array<PromiseSettledResult<unknown>>>): Promise<number> {
  const outcomes = await settled;
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') assert.ok(outcome.reason instanceof SsprError && outcome.reason.code === 'password-check-busy', String(outcome.reason));
  }
  return outcomes.filter((outcome) => outcome.status === 'rejected').length;
}

describe('password checks wait in their requester’s line', () => {
  it('anonymous checks from one client network share one line; another client’s are admitted beside them', async () => {
    const flood = started(Array.from({ length: 12 }, (_, k) => checker.check(`Anonymous-${k}-check`, { username: '' }, 'en', '203.0.113.9')));
    // The same IPv6 /64 is one client.
    const sameNetwork = started(Array.from({ length: 4 }, (_, k) => checker.check(`Network-${k}-check`, { username: '' }, 'en', `2001:db8:1:2::${k + 1}`)));
    const other = started([checker.check('Another-client-check', { username: '' }, 'en', '198.51.100.7')]);
    assert.equal(await refusedOf(flood), 12 - DEFAULT_TURN_LIMITS.perRequester);
    assert.equal(await refusedOf(sameNetwork), 0);
    assert.equal(await refusedOf(other), 0);
    const moreOfTheNetwork = started(Array.from({ length: 6 }, (_, k) => checker.check(`Network-more-${k}`, { username: '' }, 'en', `2001:db8:1:2::${k + 100}`)));
    assert.equal(await refusedOf(moreOfTheNetwork), 6 - DEFAULT_TURN_LIMITS.perRequester);
  });

  it('checks for a named account wait in the account’s line, whichever address they come from', async () => {
    const sameAccount = started(Array.from({ length: 6 }, (_, k) => checker.check(`Account-${k}-check`, { username: 'ASchmidt' }, 'en', `192.0.2.${k + 1}`)));
    const people = started(Array.from({ length: 50 }, (_, k) => checker.check(`Person-${k}-check`, { username: `person${k}` }, 'en', '192.0.2.200')));
    assert.equal(await refusedOf(sameAccount), 6 - DEFAULT_TURN_LIMITS.perRequester);
    assert.equal(await refusedOf(people), 0);
  });
});
