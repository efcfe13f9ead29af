import type { VerificationMethod, MethodRequest, Challenge } from '../method.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { FlowRecord, OfferedMethod } from '../../store/flows-repository.js';
import type { OneTimeCodes } from '../one-time-code.js';
import type { MailDispatch } from '../../mail/mail-dispatch.js';
import { codeMail } from '../../mail/templates.js';
import { maskEmail } from '../hints.js';

/** A numeric code sent by e-mail to the address the directory holds for the user. */
export class EmailCodeMethod implements VerificationMethod {
  readonly type = 'email' as const;

  constructor(
    private readonly codes: OneTimeCodes,
    private readonly mail: MailDispatch,
    private readonly settings: { codeTtlSeconds: number; organisation: string },
  ) {}

  offer(user: DirectoryUser): { hint: string } | null {
    return user.email ? { hint: maskEmail(user.email) } : null;
  }

  async begin(flow: FlowRecord, method: OfferedMethod, user: DirectoryUser | null, request: MethodRequest): Promise<Challenge> {
    const code = await this.codes.issue(flow, method, user === null);
    if (user?.email) {
      const minutes = Math.round(this.settings.codeTtlSeconds / 60);
      this.mail.dispatch(codeMail(request.lang, user.email, { code, minutes, organisation: this.settings.organisation }), {
        purpose: 'reset-code',
        userId: user.id,
        username: user.username,
      });
    }
    return { hint: method.hint, expiresInSeconds: this.settings.codeTtlSeconds };
  }

  verify(flow: FlowRecord, method: OfferedMethod, response: string): Promise<void> {
    return this.codes.check(flow, method, response);
  }
}
