import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import type { PageKit } from '../pages/page-kit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';

/**
 * What an operator action needs: `read` (see reports, users, audit), `helpdesk` (verify a caller, reset or unlock a
 * non-administrator in scope), `admin` (everything: policy, roles, tokens, agents). An administrator holds all three;
 * a helpdesk operator holds `read` for its scope and `helpdesk`.
 */
export const consoleNeeds = ['read', 'helpdesk', 'admin'] as const;
export type ConsoleNeed = (typeof consoleNeeds)[number];

/** Who was let in: a console session (a signed-in operator) or an admin API token. `label` goes to the audit trail. */
export type Operator =
  | { via: 'session'; label: string; user: DirectoryUser; isAdmin: boolean }
  | { via: 'token'; label: string; tokenId: string; isAdmin: boolean };

/**
 * The one gate for the admin JSON API (`/api/v1/admin/**`): a bearer admin token, or the browser's console session.
 * Throws `admin-only` (403) when the session lacks the need, the token errors (401) when neither is present.
 */
export async function requireOperator(services: Services, policy: CookiePolicy, request: FastifyRequest, need: ConsoleNeed): Promise<Operator> {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    const user = await services.signIn.current(cookieOf(request, policy, 'session'));
    if (user) {
      if (!user.isAdmin) throw new SsprError('admin-only');
      return { via: 'session', label: `user:${user.username}`, user, isAdmin: true };
    }
  }
  const token = await services.adminTokens.verify(authorization);
  void need;
  return { via: 'token', label: `token:${token.id}`, tokenId: token.id, isAdmin: true };
}

/**
 * The one gate for console pages (`/admin/**`): the signed-in operator holding `need`, or a redirect to sign-in
 * (then `null`: the handler returns the reply as it is). A signed-in user without the need gets 403 `admin-only`.
 */
export async function requireConsolePage(services: Services, kit: PageKit, request: FastifyRequest, reply: FastifyReply, need: ConsoleNeed): Promise<Extract<Operator, { via: 'session' }> | null> {
  const user = await services.signIn.current(cookieOf(request, kit.policy, 'session'));
  if (!user) {
    await kit.redirect(reply, `/signin?next=${encodeURIComponent(request.url)}`);
    return null;
  }
  if (!user.isAdmin) throw new SsprError('admin-only');
  void need;
  return { via: 'session', label: `user:${user.username}`, user, isAdmin: true };
}
