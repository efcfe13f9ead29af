import type { DirectoryUser } from '../directory/directory.js';
import type { MailDispatch } from '../delivery/background-delivery.js';
import type { Audit } from '../audit/audit.js';
import type { NoticeName } from '../audit/audit-events.js';
import type { Clock } from '../store/clock.js';
import type { Lang } from '../i18n/lang.js';
import type { FreezeRecord, IntegrityRepository } from '../store/integrity-repository.js';
import type { LinkFacts, NotMeLinks } from './not-me-links.js';
import { freezeAlertMail } from './integrity-mail.js';
import { SsprError } from '../errors/sspr-error.js';

type Account = Pick<DirectoryUser, 'id' | 'username' | 'email' | 'isAdmin' | 'enabled'>;

export interface AccountFreezeDeps {
  repository: Pick<IntegrityRepository, 'freeze' | 'freezeOf' | 'unfreeze' | 'listFrozen'>;
  links: Pick<NotMeLinks, 'inspect' | 'use'>;
  users: { findById(id: string): Promise<Account | null>; findByUsername(username: string): Promise<Account | null>; list(): Promise<Account[]> };
  sessions: { deleteForUser(userId: string, keep?: string | null): Promise<void> };
  flows: { endOpenFlowsOfUser(userId: string, except: string | null): Promise<void> };
  mail: Pick<MailDispatch, 'dispatch'>;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  organisation: string;
}

/** What the confirm page shows about a live link. */
export interface LinkPreview {
  notice: NoticeName;
  at: Date;
}

interface Request {
  lang: Lang;
  ip: string;
  userAgent?: string;
}

/**
 * "This wasn't me": the owner of an account, holding a link from a notice, freezes self-service for it. A frozen
 * account cannot reset, change or unlock its password nor register or remove methods (`account-frozen`) until an
 * administrator lifts the freeze; freezing ends its sessions and open reset flows and alerts the administrators.
 */
export class AccountFreeze {
  constructor(private readonly deps: AccountFreezeDeps) {}

  /** The facts of a live link for the confirm page; a dead link is `not-me-link-invalid` (and audited). */
  async preview(token: string, request: Request): Promise<LinkPreview> {
    const facts = await this.deps.links.inspect(token);
    const live = await this.liveOrRefused(facts, request);
    return { notice: live.notice, at: new Date(live.createdAt) };
  }

  /** Uses the link and freezes its account. A second use, an expired or unknown link is `not-me-link-invalid`. */
  async confirm(token: string, request: Request): Promise<void> {
    const facts = await this.liveOrRefused(await this.deps.links.use(token), request);
    const user = await this.deps.users.findById(facts.userId);
    if (!user) throw new SsprError('not-me-link-invalid');
    const now = this.deps.clock.now();
    await this.deps.repository.freeze({ userId: user.id, username: user.username, notice: facts.notice, frozenAt: now, ip: request.ip || null });
    await this.deps.sessions.deleteForUser(user.id, null);
    await this.deps.flows.endOpenFlowsOfUser(user.id, null);
    await this.deps.audit.record({
      event: 'account-frozen', outcome: 'success', userId: user.id, username: user.username, ip: request.ip || null, userAgent: request.userAgent ?? null,
      detail: { notice: facts.notice },
    });
    for (const admin of await this.deps.users.list()) {
      if (!admin.isAdmin || !admin.email || !admin.enabled || admin.id === user.id) continue;
      const alert = freezeAlertMail(request.lang, admin.email, { organisation: this.deps.organisation, who: user.username, at: new Date(now), ip: request.ip });
      this.deps.mail.dispatch(alert, { purpose: 'freeze-alert', userId: admin.id, username: admin.username });
    }
  }

  /** Refuses every self-service act of a frozen account (the flows and the password use-case call this). */
  async expectNotFrozen(user: Pick<DirectoryUser, 'id'>): Promise<void> {
    if (await this.deps.repository.freezeOf(user.id)) throw new SsprError('account-frozen');
  }

  async freezeOf(userId: string): Promise<FreezeRecord | null> {
    return this.deps.repository.freezeOf(userId);
  }

  listFrozen(): Promise<FreezeRecord[]> {
    return this.deps.repository.listFrozen();
  }

  /**
   * Lifts the freeze of `username` (administrators: CLI, admin API, console). True when it was frozen; an unknown
   * name is `user-not-found`.
   */
  unfreeze(username: string, by: string, request: { ip?: string | null } = {}): Promise<boolean> {
    return liftFreeze(this.deps, username, by, request);
  }

  private async liveOrRefused(facts: LinkFacts | { refused: 'unknown' | 'used' | 'expired' }, request: Request): Promise<LinkFacts> {
    if (!('refused' in facts)) return facts;
    await this.deps.audit.record({ event: 'not-me-link-refused', outcome: 'failure', ip: request.ip || null, userAgent: request.userAgent ?? null, detail: { reason: facts.refused } });
    throw new SsprError('not-me-link-invalid');
  }
}

/** Lifts the freeze of `username` and audits it (the use-case behind the console, the admin API and the CLI). */
export async function liftFreeze(
  deps: { users: Pick<AccountFreezeDeps['users'], 'findByUsername'>; repository: Pick<IntegrityRepository, 'unfreeze'>; audit: Pick<Audit, 'record'> },
  username: string,
  by: string,
  request: { ip?: string | null } = {},
): Promise<boolean> {
  const user = await deps.users.findByUsername(username);
  if (!user) throw new SsprError('user-not-found', { params: { username } });
  const lifted = await deps.repository.unfreeze(user.id);
  if (lifted) await deps.audit.record({ event: 'account-unfrozen', outcome: 'success', userId: user.id, username: user.username, ip: request.ip ?? null, detail: { by } });
  return lifted;
}
