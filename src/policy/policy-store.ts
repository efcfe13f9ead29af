import type { SettingsRepository } from '../store/settings-repository.js';
import type { Clock } from '../store/clock.js';
import type { Audit } from '../audit/audit.js';
import { ssprPolicySchema, defaultSsprPolicy, policyProblem, type SsprPolicy } from './sspr-policy.js';
import { SsprError } from '../errors/sspr-error.js';
import { validateCustomQuestions } from '../methods/questions/question-catalogue.js';
import { checkCustomQuestions, customQuestionsError } from './custom-question-error.js';

const KEY = 'sspr-policy';
const CACHE_MS = 5_000;

/**
 * The policy a partial change would make: merged onto `before` (throttles merged key by key) and validated as a
 * whole with the one schema, so the CLI (`sspr policy set`), the console and the admin API share one set of rules.
 * A refusal names the setting and the rule with its range (`policy-setting-invalid`).
 */
export function candidatePolicy(before: SsprPolicy, change: Record<string, unknown>): SsprPolicy {
  const merged = { ...before, ...change, throttles: { ...before.throttles, ...(change.throttles as object | undefined) } };
  checkCustomQuestions(merged.customQuestions);
  const result = ssprPolicySchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => policyProblem(issue, valueAt(merged, issue.path)));
    const [first] = problems;
    throw new SsprError('policy-setting-invalid', { params: { setting: first?.setting ?? '(policy)', problem: first?.allowed ?? '—' }, detail: problems.map((p) => p.sentence).join('; ') });
  }
  const questions = validateCustomQuestions(result.data.customQuestions);
  if (!questions.ok) throw customQuestionsError(result.data.customQuestions, questions.problems);
  const policy: SsprPolicy = { ...result.data, customQuestions: questions.questions };
  if (policy.enabled === 'selected' && !policy.group) {
    throw new SsprError('policy-setting-invalid', { params: { setting: 'group', problem: 'enabled "selected" needs a group' }, detail: 'enabled "selected" needs a group' });
  }
  return policy;
}

/** The stored SSPR policy; read through a short cache so every node sees a change within seconds. */
export class PolicyStore {
  private cached: { policy: SsprPolicy; at: number } | null = null;

  constructor(
    private readonly settings: SettingsRepository,
    private readonly clock: Clock,
    private readonly audit: Audit | null,
  ) {}

  async current(): Promise<SsprPolicy> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.policy;
    const stored = await this.settings.get(KEY);
    const parsed = stored === undefined ? { success: true as const, data: defaultSsprPolicy } : ssprPolicySchema.safeParse(stored);
    const policy = parsed.success ? parsed.data : defaultSsprPolicy;
    this.cached = { policy, at: now };
    return policy;
  }

  /** Applies a partial change, validates the whole (`candidatePolicy`), stores and audits it. */
  async update(change: Record<string, unknown>, actor: string): Promise<SsprPolicy> {
    const before = await this.current();
    const policy = candidatePolicy(before, change);
    await this.settings.put(KEY, policy, this.clock.now());
    this.cached = null;
    const changed = Object.keys(change).join(',');
    await this.audit?.record({ event: 'policy-change', outcome: 'success', username: actor, detail: { changed } });
    return policy;
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((at, step) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[step] : undefined), value);
}
