import type { Services } from '../app/services.js';
import { SsprError } from '../errors/sspr-error.js';
import { RateLimitRepository } from '../store/rate-limit-repository.js';
import { NO_SCRIPT_CAPTCHA, takeNoScriptStart } from '../captcha/no-script.js';

/**
 * With `captcha: on`, a flow starts only with a solved, unused proof-of-work challenge (ALTCHA payload), or,
 * for a browser without JavaScript, the no-script marker within its small per-network, per-name and overall
 * budget (captcha/no-script.ts). Without the client (`ip`, `name`) the marker is not accepted.
 */
export async function checkCaptcha(services: Services, payload: string | undefined, client?: { ip: string; name: string }): Promise<void> {
  if (!services.captcha) return;
  if (payload === NO_SCRIPT_CAPTCHA && client) {
    if (await takeNoScriptStart(new RateLimitRepository(services.store.db), services.clock.now(), client.ip, client.name)) return;
    throw new SsprError('rate-limited');
  }
  const verdict = await services.captcha.verify(payload ?? '');
  if (!verdict.ok) throw new SsprError('captcha-failed', { params: { reason: verdict.reason } });
}
