import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import type { PageKit } from '../pages/page-kit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { UserRole } from '../../admin/roles.js';
import type { AdminTokenScope } from '../../admin/admin-tokens.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';

/**
 * What an operator action needs: `read` (see reports, users, audit), `helpdesk` (verify a caller, reset or unlock a
 * non-administrator in scope), `admin` (everything: policy, roles, tokens, agents). An administrator holds all three;
 * a helpdesk operator holds `read` for its scope and `helpdesk`.
 */
export const consoleNeeds = ['read', 'helpdesk', 'admin'] as const;
export type ConsoleNeed = (typeof consoleNeeds)[number];

/** The needs each admin API token scope covers. */
export const tokenScopeNeeds: Record<AdminTokenScope, readonly ConsoleNeed[]> = {
  'read-only': ['read'],
  helpdesk: ['read', 'helpdesk'],
  admin: ['read', 'helpdesk', 'admin'],
};

/**
 * Who was let in: a console session (a signed-in operator who proved a second method) or an admin API token.
 * `label` goes to the audit trail. A session operator carries its roles, the group its helpdesk grant is limited
 * to (null: not limited), the session's digest and when it last stepped up.
 */
export type Operator =
  | { via: 'session'; label: string; user: DirectoryUser; isAdmin: boolean; roles: UserRole[]; helpdeskScope: string | null; sessionDigest: string; steppedUpAt: number }
  | { via: 'token'; label: string; tokenId: string; isAdmin: boolean; scope: AdminTokenScope };

export type SessionOperator = Extract<Operator, { via: 'session' }>;

/** Whether the operator holds `need` (administrators hold everything). */
export function operatorHolds(operator: Operator, need: ConsoleNeed): boolean {
  if (operator.via === 'token') return tokenScopeNeeds[operator.scope].includes(need);
  if (operator.isAdmin) return true;
  return operator.roles.includes('helpdesk') && need !== 'admin';
}

/** The signed-in user's console rights, without the step-up: null when they hold no operator role. */
async function sessionGrants(services: Services, user: DirectoryUser): Promise<{ isAdmin: boolean; roles: UserRole[]; helpdeskScope: string | null } | null> {
  const grants = await services.users.grantsOf(user.id);
  const roles = [...new Set<UserRole>([...grants.roles, ...(user.isAdmin ? (['administrator'] as const) : [])])];
  if (roles.length === 0) return null;
  return { isAdmin: roles.includes('administrator'), roles, helpdeskScope: grants.helpdeskScope };
}

/** Whether a signed-in user holds an operator role (for links to the console; the gate decides on its own). */
export async function isConsoleOperator(services: Services, user: DirectoryUser): Promise<boolean> {
  return (await sessionGrants(services, user)) !== null;
}

/**
 * A signed-in session as an operator holding `need`: 403 `admin-only` without a role that holds it; 401
 * `console-session-ended` when the console ended it (idle, absolute lifetime); 403 `step-up-required` before a
 * second proof. Each let-in request counts as console activity (the idle timeout restarts).
 */
async function sessionOperator(services: Services, session: { user: DirectoryUser; digest: string }, request: FastifyRequest, need: ConsoleNeed): Promise<SessionOperator> {
  const { user, digest } = session;
  const grants = await sessionGrants(services, user);
  if (!grants) throw new SsprError('admin-only');
  const operator: SessionOperator = { via: 'session', label: `user:${user.username}`, user, ...grants, sessionDigest: digest, steppedUpAt: 0 };
  if (!operatorHolds(operator, need)) throw new SsprError('admin-only');
  const state = await services.consoleSessions.state(digest, user, request.ctx);
  if (!state) throw new SsprError('step-up-required');
  await services.consoleSessions.touch(digest);
  return { ...operator, steppedUpAt: state.steppedUpAt };
}

/**
 * The one gate for the admin JSON API (`/api/v1/admin/**`): a bearer admin token whose scope covers `need`
 * (401 admin-token-missing / -invalid / -expired, 403 admin-token-scope), or the browser's console session (see
 * `sessionOperator`: role, console timeouts, step-up).
 */
export async function requireOperator(services: Services, policy: CookiePolicy, request: FastifyRequest, need: ConsoleNeed): Promise<Operator> {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    const session = await services.signIn.session(cookieOf(request, policy, 'session'));
    if (session) return sessionOperator(services, session, request, need);
  }
  const token = await services.adminTokens.verify(authorization);
  const operator: Operator = { via: 'token', label: `token:${token.id}`, tokenId: token.id, isAdmin: token.scope === 'admin', scope: token.scope };
  if (!operatorHolds(operator, need)) throw new SsprError('admin-token-scope');
  return operator;
}

/** A safe local path to come back to: one leading '/', no '//' or '/\' (another host), no control characters. */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || c === '\\')) return null;
  return value;
}

/**
 * The one gate for console pages (`/admin/**`): the signed-in operator holding `need`, or a redirect (then `null`:
 * the handler returns the reply as it is) — to sign-in when not signed in or the console ended the session, to
 * `/admin/step-up` before the second proof; both come back to this page. A signed-in user without the need gets
 * 403 `admin-only`.
 */
export async function requireConsolePage(services: Services, kit: PageKit, request: FastifyRequest, reply: FastifyReply, need: ConsoleNeed): Promise<SessionOperator | null> {
  const back = encodeURIComponent(safeNext(request.url) ?? '/admin');
  const session = await services.signIn.session(cookieOf(request, kit.policy, 'session'));
  if (!session) {
    await kit.redirect(reply, `/signin?next=${back}`);
    return null;
  }
  try {
    return await sessionOperator(services, session, request, need);
  } catch (error) {
    if (error instanceof SsprError && error.code === 'step-up-required') {
      await kit.redirect(reply, `/admin/step-up?next=${back}`);
      return null;
    }
    if (error instanceof SsprError && (error.code === 'console-session-ended' || error.code === 'not-signed-in')) {
      kit.setCookie(reply, 'session', '', 0);
      await kit.redirect(reply, `/signin?next=${back}`);
      return null;
    }
    throw error;
  }
}

/**
 * Acting for another user (a reset, an unlock) needs a proof of the second method at most
 * `console.stepUp.recentMinutes` old: 403 `step-up-stale` otherwise. Tokens are automation and carry no proof;
 * their scope decides.
 */
export function requireRecentStepUp(services: Services, operator: Operator): void {
  if (operator.via === 'token') return;
  services.consoleSessions.requireRecent({ steppedUpAt: operator.steppedUpAt, stepUpMethod: null });
}

/**
 * May this operator act on `target` (reset, unlock, verify, read their verdict and trail)? Administrators (and
 * admin-scoped tokens) may act on anyone. Helpdesk operators and helpdesk/read-only tokens may act only on accounts
 * holding no operator role (no administrator, no other helpdesk operator), and a helpdesk grant limited to a group
 * only on that group's members (nested groups count). Throws 403 `operator-target-forbidden` otherwise.
 */
export async function operatorMayActOn(services: Services, operator: Operator, target: DirectoryUser): Promise<void> {
  if (operator.isAdmin) return;
  const grants = await services.users.grantsOf(target.id);
  if (target.isAdmin || grants.roles.length > 0) throw new SsprError('operator-target-forbidden');
  if (operator.via === 'session' && operator.helpdeskScope !== null) {
    const scope = operator.helpdeskScope.toLowerCase();
    const groups = await services.groups.groupsOfUser(target.id);
    if (!groups.some((group) => group.toLowerCase() === scope)) throw new SsprError('operator-target-forbidden');
  }
}

/** The account an operator route names, if the operator may act on it: 404 `user-not-found`, 403 `operator-target-forbidden`. */
export async function operatorTarget(services: Services, operator: Operator, username: string): Promise<DirectoryUser> {
  const user = await services.directory.findUser(username.slice(0, 256));
  if (!user) throw new SsprError('user-not-found', { params: { username: username.slice(0, 256) } });
  await operatorMayActOn(services, operator, user);
  return user;
}

/**
 * The checks before an operator changes another account (remove a method, lift a block, require re-registration,
 * reset, unlock), in one place: a proof of the second method from the last minutes (sessions), and a target the
 * operator may act on. Answers the target.
 */
export async function requireActOn(services: Services, operator: Operator, username: string): Promise<DirectoryUser> {
  requireRecentStepUp(services, operator);
  return operatorTarget(services, operator, username);
}

/**
 * `requireActOn` for a console form: when the proof is older than allowed, off to the step-up page (a fresh proof),
 * then back to `back` — answers null and the handler returns the reply as it is.
 */
export async function requireActOnPage(services: Services, kit: PageKit, reply: FastifyReply, operator: Operator, username: string, back: string): Promise<DirectoryUser | null> {
  try {
    return await requireActOn(services, operator, username);
  } catch (error) {
    if (!(error instanceof SsprError) || error.code !== 'step-up-stale') throw error;
    await kit.redirect(reply, `/admin/step-up?fresh=1&next=${encodeURIComponent(safeNext(back) ?? '/admin')}`);
    return null;
  }
}
