import type { Services } from '../app/services.js';
import { SsprError } from '../errors/sspr-error.js';

/** With `captcha: on`, a flow starts only with a solved, unused proof-of-work challenge (ALTCHA payload). */
export async function checkCaptcha(services: Services, payload: string | undefined): Promise<void> {
  if (!services.captcha) return;
  const verdict = await services.captcha.verify(payload ?? '');
  if (!verdict.ok) throw new SsprError('captcha-failed', { params: { reason: verdict.reason } });
}
