import type { VerificationMethod, MethodContext, Challenge, VerifyInput } from '../method.js';
import type { ChallengesRepository } from '../../store/challenges-repository.js';
import type { PolicyStore } from '../../policy/policy-store.js';
import type { Clock } from '../../store/clock.js';
import type { Lang } from '../../i18n/lang.js';
import { message } from '../../i18n/messages.js';
import { drawQuestions } from './draw-questions.js';
import { verifyAnswers, type StoredAnswer } from './answer-hashing.js';
import { questionById } from './question-lookup.js';
import { SsprError } from '../../errors/sspr-error.js';

export interface QuestionsData {
  answers: StoredAnswer[];
}

const keyOf = (ctx: MethodContext) => `flow:${ctx.flow.digest}:${ctx.method.id}`;

/**
 * Security questions: `begin` draws the policy's number of registered questions at random and remembers
 * which; `verify` needs every drawn question answered right (Argon2id comparisons only).
 */
export class QuestionsMethod implements VerificationMethod {
  readonly type = 'questions' as const;

  constructor(
    private readonly challenges: ChallengesRepository,
    private readonly policy: PolicyStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  hint(_user: unknown, _registration: unknown, lang: Lang): string {
    return message(lang, 'method-hints.questions');
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    const stored = (ctx.registration?.data as unknown as QuestionsData | undefined)?.answers ?? [];
    const policy = await this.policy.current();
    const drawn = drawQuestions(stored.map((a) => a.questionId), policy.questionsToAnswer);
    await this.challenges.put(keyOf(ctx), { drawn }, this.clock.now() + this.ttlSeconds * 1000);
    const custom = policy.customQuestions;
    return {
      hint: ctx.method.hint,
      questions: drawn.map((id) => ({ id, text: questionById(id, custom, ctx.request.lang) })),
    };
  }

  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const pending = await this.challenges.get<{ drawn: string[] }>(keyOf(ctx), this.clock.now());
    if (!pending) throw new SsprError('code-not-sent');
    const stored = (ctx.registration?.data as unknown as QuestionsData | undefined)?.answers ?? [];
    const given = (input.answers ?? []).filter((a) => pending.data.drawn.includes(a.questionId));
    const result = await verifyAnswers(stored, given, pending.data.drawn);
    if (!result.ok) {
      await this.challenges.take(keyOf(ctx));
      throw new SsprError('answers-wrong');
    }
    if (!(await this.challenges.take(keyOf(ctx)))) throw new SsprError('code-expired');
  }
}
