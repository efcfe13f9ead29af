import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import type { PageKit } from '../pages/page-kit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { UserRole } from '../../admin/roles.js';
import type { AdminTokenScope } from '../../admin/admin-tokens.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import { usernameKey } from '../../store/users-repository.js';

/**
 * What an operator action needs:
 * - `account`: read one account the operator may act on (its page, its doctor verdict, its audit trail);
 * - `read`: read the whole organisation (overview counts, reports, the whole audit log and its export, the doctor's
 *   service run, the list of all users);
 * - `helpdesk`: verify a caller, reset, unlock or repair a non-administrator in scope;
 * - `admin`: everything else (policy, roles, tokens, agents, directory, a readiness count on demand).
 * An administrator holds all four. A helpdesk operator (role or token) holds `account` and `helpdesk`: it helps one
 * caller at a time and sees nothing organisation-wide. A read-only token holds `account` and `read`.
 */
export const consoleNeeds = ['account', 'read', 'helpdesk', 'admin'] as const;
export type ConsoleNeed = (typeof consoleNeeds)[number];

/** The needs each admin API token scope covers. */
export const tokenScopeNeeds: Record<AdminTokenScope, readonly ConsoleNeed[]> = {
  'read-only': ['account', 'read'],
  helpdesk: ['account', 'helpdesk'],
  admin: ['account', 'read', 'helpdesk', 'admin'],
};

/** The needs a helpdesk role (without the administrator role) covers: the same as a helpdesk token. */
const helpdeskRoleNeeds: readonly ConsoleNeed[] = tokenScopeNeeds.helpdesk;

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
  return operator.roles.includes('helpdesk') && helpdeskRoleNeeds.includes(need);
}

/**
 * The refusal for an operator lacking `need`: organisation-wide reading refused to one who may read single accounts
 * says so (`operator-organisation-wide`); otherwise a token's scope (`admin-token-scope`) or a session's role
 * (`admin-only`).
 */
function refusalFor(operator: Operator, need: ConsoleNeed): SsprError {
  if (need === 'read' && operatorHolds(operator, 'account')) return new SsprError('operator-organisation-wide');
  return new SsprError(operator.via === 'token' ? 'admin-token-scope' : 'admin-only');
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
  if (!operatorHolds(operator, need)) throw refusalFor(operator, need);
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
  if (!operatorHolds(operator, need)) throw refusalFor(operator, need);
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
export async function operatorMayActOn(services: Services, operator: Operator, target: Pick<DirectoryUser, 'id' | 'isAdmin'>): Promise<void> {
  if (!(await mayActOn(services, operator, target))) throw new SsprError('operator-target-forbidden');
}

/** `operatorMayActOn` as a yes or no. */
async function mayActOn(services: Services, operator: Operator, target: Pick<DirectoryUser, 'id' | 'isAdmin'>): Promise<boolean> {
  if (operator.isAdmin) return true;
  const grants = await services.users.grantsOf(target.id);
  if (target.isAdmin || grants.roles.length > 0) return false;
  if (operator.via === 'session' && operator.helpdeskScope !== null) {
    const scope = operator.helpdeskScope.toLowerCase();
    const groups = await services.groups.groupsOfUser(target.id);
    if (!groups.some((group) => group.toLowerCase() === scope)) return false;
  }
  return true;
}

/**
 * The rows of a user listing this operator may see: every row for one holding `read`; for a helpdesk operator only
 * the accounts it may act on (a page may then hold fewer rows than asked for; its cursor still leads on), found
 * for the page in one query whatever its length.
 */
export async function listableBy<T extends { username: string }>(services: Services, operator: Operator, rows: readonly T[]): Promise<T[]> {
  if (operatorHolds(operator, 'read') || operator.isAdmin) return [...rows];
  // The rule of `mayActOn`, for the whole page in one query.
  const actable = await services.users.helpdeskActable(rows.map((row) => row.username), operator.via === 'session' ? operator.helpdeskScope : null);
  return rows.filter((row) => actable.has(usernameKey(row.username)));
}

/**
 * May this operator read the audit events a filter asks for? With `read`, any filter. Holding only `account`, only
 * a filter naming one account it may act on (that account's trail): 403 `operator-organisation-wide` without a
 * user, 404 / 403 as `operatorTarget` for one it may not read.
 */
export async function requireAuditReader(services: Services, operator: Operator, user: string | undefined): Promise<void> {
  if (operatorHolds(operator, 'read')) return;
  if (user === undefined || user.trim() === '') throw new SsprError('operator-organisation-wide');
  await operatorTarget(services, operator, user);
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
