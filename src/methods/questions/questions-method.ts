import { z } from 'zod';
import { defineMethod, type VerificationMethod, type MethodContext, type Challenge, type VerifyInput } from '../method.js';
import type { ChallengesRepository } from '../../store/challenges-repository.js';
import type { PolicyStore } from '../../policy/policy-store.js';
import type { Clock } from '../../store/clock.js';
import type { MethodHint } from '../hints.js';
import { drawQuestions } from './draw-questions.js';
import { hashAnswers, verifyAnswers } from './answer-hashing.js';
import { availableQuestions, questionById } from './question-lookup.js';
import { validateAnswers } from './answer-validation.js';
import { parseBody } from '../../errors/parse-input.js';
import { SsprError } from '../../errors/sspr-error.js';

/** The chosen questions with an Argon2id hash of each answer (PHC string). */
export const questionsData = z.object({ answers: z.array(z.object({ questionId: z.string(), hash: z.string() })) });
export type QuestionsData = z.infer<typeof questionsData>;

const storedAnswers = (ctx: MethodContext) => (ctx.registration ? questionsData.parse(ctx.registration.data).answers : []);

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

  hint(): MethodHint {
    return { key: 'questions', params: {} };
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    const stored = storedAnswers(ctx);
    const policy = await this.policy.current();
    const drawn = drawQuestions(stored.map((a) => a.questionId), policy.questionsToAnswer);
    await this.challenges.put(keyOf(ctx), { drawn }, this.clock.now() + this.ttlSeconds * 1000);
    const custom = policy.customQuestions;
    return {
      questions: drawn.map((id) => ({ id, text: questionById(id, custom, ctx.request.lang) })),
    };
  }

  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const pending = await this.challenges.get<{ drawn: string[] }>(keyOf(ctx), this.clock.now());
    if (!pending) throw new SsprError('code-not-sent');
    const stored = storedAnswers(ctx);
    const given = (input.answers ?? []).filter((a) => pending.data.drawn.includes(a.questionId));
    const result = await verifyAnswers(stored, given, pending.data.drawn);
    if (!result.ok) {
      await this.challenges.take(keyOf(ctx));
      throw new SsprError('answers-wrong');
    }
    if (!(await this.challenges.take(keyOf(ctx)))) throw new SsprError('code-expired');
  }
}

const answersInput = z.strictObject({
  answers: z.array(z.strictObject({ questionId: z.string().max(64), answer: z.string().max(200) })).max(10),
});

export const questionsMethod = defineMethod({
  type: 'questions',
  data: questionsData,
  label: (data) => `${data.answers.length} questions`,
  create: (parts) => new QuestionsMethod(parts.challenges, parts.policy, parts.clock, parts.codes.ttlSeconds),
  /** Registers (or replaces) the user's questions; answers are stored only as Argon2id hashes. */
  enrol: (parts) => ({
    async begin(_ctx, input) {
      const { answers } = parseBody(answersInput, input);
      const policy = await parts.policy.current();
      const check = validateAnswers(answers, { min: policy.questionsToRegister, max: 5, questions: availableQuestions(policy.customQuestions) });
      if (!check.ok) {
        throw new SsprError('registration-invalid', { params: { problem: 'questions' }, detail: check.problems.map((p) => p.code).join(', '), details: { problems: check.problems } });
      }
      return { register: { answers: await hashAnswers(answers) }, replace: true };
    },
  }),
  enrolmentInputs: { begin: answersInput },
});

