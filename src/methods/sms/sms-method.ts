import type { VerificationMethod, MethodContext, Challenge, VerifyInput } from '../method.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Registration } from '../../store/registrations-repository.js';
import type { OneTimeCodes } from '../one-time-code.js';
import type { SmsDispatch } from '../../mail/mail-dispatch.js';
import type { Lang } from '../../i18n/lang.js';
import { maskPhoneNumber } from '../phone/phone-number.js';

/** The number a code goes to: the registered one, or the mobile number the directory holds. */
export function smsTarget(user: DirectoryUser, registration: Registration | null): string | null {
  return registration ? (registration.data.phone as string) : user.mobile;
}

export function smsCodeText(lang: Lang, code: string, organisation: string, minutes: number): string {
  return lang === 'de'
    ? `${organisation}: Ihr Code ist ${code}. Gültig ${minutes} Min. Nicht weitergeben.`
    : `${organisation}: your code is ${code}. Valid ${minutes} min. Do not share it.`;
}

/** A numeric code sent by SMS through the configured gateway. */
export class SmsCodeMethod implements VerificationMethod {
  readonly type = 'sms' as const;

  constructor(
    private readonly codes: OneTimeCodes,
    private readonly sms: SmsDispatch,
    private readonly settings: { codeTtlSeconds: number; organisation: string },
  ) {}

  hint(user: DirectoryUser, registration: Registration | null): string {
    return maskPhoneNumber(smsTarget(user, registration) ?? '');
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    const code = await this.codes.issue(ctx.flow, ctx.method, ctx.user === null);
    const to = ctx.user ? smsTarget(ctx.user, ctx.registration) : null;
    if (ctx.user && to) {
      const text = smsCodeText(ctx.request.lang, code, this.settings.organisation, Math.round(this.settings.codeTtlSeconds / 60));
      this.sms.dispatch({ to, text }, { purpose: 'reset-code', userId: ctx.user.id, username: ctx.user.username });
    }
    return { hint: ctx.method.hint, expiresInSeconds: this.settings.codeTtlSeconds };
  }

  verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    return this.codes.check(ctx.flow, ctx.method, input.code ?? '');
  }
}
