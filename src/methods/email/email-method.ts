import type { VerificationMethod, MethodContext, Challenge, VerifyInput } from '../method.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Registration } from '../../store/registrations-repository.js';
import type { OneTimeCodes } from '../one-time-code.js';
import type { MailDispatch } from '../../mail/mail-dispatch.js';
import { codeMail } from '../../mail/templates.js';
import { maskEmail } from '../hints.js';

/** The address a code goes to: the registered one, or the one the directory holds. */
export function emailTarget(user: DirectoryUser, registration: Registration | null): string | null {
  return registration ? (registration.data.address as string) : user.email;
}

/** A numeric code sent by e-mail. */
export class EmailCodeMethod implements VerificationMethod {
  readonly type = 'email' as const;

  constructor(
    private readonly codes: OneTimeCodes,
    private readonly mail: MailDispatch,
    private readonly settings: { codeTtlSeconds: number; organisation: string },
  ) {}

  hint(user: DirectoryUser, registration: Registration | null): string {
    return maskEmail(emailTarget(user, registration) ?? '');
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    const code = await this.codes.issue(ctx.flow, ctx.method, ctx.user === null);
    const to = ctx.user ? emailTarget(ctx.user, ctx.registration) : null;
    if (ctx.user && to) {
      const minutes = Math.round(this.settings.codeTtlSeconds / 60);
      this.mail.dispatch(codeMail(ctx.request.lang, to, { code, minutes, organisation: this.settings.organisation }), {
        purpose: 'reset-code',
        userId: ctx.user.id,
        username: ctx.user.username,
      });
    }
    return { hint: ctx.method.hint, expiresInSeconds: this.settings.codeTtlSeconds };
  }

  verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    return this.codes.check(ctx.flow, ctx.method, input.code ?? '');
  }
}
