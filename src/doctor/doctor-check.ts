import type { CheckId, Finding, SummaryLine } from './doctor-types.js';
import type { CountContext, ServiceFacts, ServiceRunFacts, UserFacts } from './facts.js';

/** A set-based count for the service summary: users failing / warning on the user-level check, and how it was found. */
export type CheckCount = Omit<SummaryLine, 'id'>;

/**
 * One doctor check (failure-catalog.md): the verdict for one user, optionally the verdict for the service as a
 * whole, and optionally how many users fail it, counted over the store in a few set-based queries (never a run
 * per user). Checks read facts gathered once by DoctorService and never do I/O of their own, except the count.
 */
export interface DoctorCheck {
  id: CheckId;
  user(facts: UserFacts): Finding;
  service?(facts: ServiceRunFacts): Finding;
  count?(context: CountContext): Promise<CheckCount> | CheckCount;
}

/** A check every directory-managed account shares with the service: its count is the service-level verdict. */
export function sharedWithService(id: CheckId, check: (facts: ServiceFacts, userSource: string | null) => Finding): DoctorCheck {
  return {
    id,
    user: (facts) => check(facts, facts.user.source),
    service: (facts) => check(facts, null),
    count: ({ facts, service }) => {
      const status = service.get(id)?.status;
      return {
        failing: status === 'fail' ? facts.users.directory : 0,
        warning: status === 'warn' ? facts.users.directory : 0,
        basis: 'directory-managed accounts × service-level result',
      };
    },
  };
}
