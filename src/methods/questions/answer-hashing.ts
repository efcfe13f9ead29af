import { hashPassword, verifyPassword } from '../../crypto/password-hash.js';
import { normaliseAnswer } from './answer-normalisation.js';
import type { QuestionAnswer } from './answer-validation.js';

/** What is stored per registered question: never the answer, only its Argon2id hash. */
export interface StoredAnswer {
  questionId: string;
  /** PHC string from `hashPassword` (Argon2id, 19 MiB, t=2, p=1, random salt). */
  hash: string;
}

export interface AnswerVerification {
  /** True only if at least one answer was given and every given (and every asked) question was answered right. */
  ok: boolean;
  /** Ids of the questions answered wrongly or not at all, in the order given (then asked). */
  wrong: string[];
}

/**
 * Hashes answers for storage: Argon2id over the normalised answer (OWASP: security answers stored as salted
 * slow hashes). Hashes run in parallel on the libuv pool. Call `validateAnswers` first.
 */
export function hashAnswers(answers: readonly QuestionAnswer[]): Promise<StoredAnswer[]> {
  return Promise.all(
    answers.map(async ({ questionId, answer }) => ({ questionId, hash: await hashPassword(normaliseAnswer(answer)) })),
  );
}

/**
 * Checks the answers given at reset time. Every comparison goes through Argon2 verify, in parallel; a
 * question without a stored hash — or answered twice — is still verified (against a dummy hash), so the
 * time taken does not reveal which questions a user registered. Pass `asked` (the ids from `drawQuestions`)
 * to count a question left unanswered as wrong; without it the caller must check that `given` covers them.
 * Counting failures and blocking (Entra: more than 5 in an hour blocks for 24 h) is the caller's job.
 */
export async function verifyAnswers(
  stored: readonly StoredAnswer[],
  given: readonly QuestionAnswer[],
  asked: readonly string[] = [],
): Promise<AnswerVerification> {
  const hashById = new Map(stored.map((entry) => [entry.questionId, entry.hash]));
  const seen = new Set<string>();
  const checks = given.map(({ questionId, answer }) => {
    const repeated = seen.has(questionId);
    seen.add(questionId);
    const hash = repeated ? null : hashById.get(questionId);
    return verifyPassword(hash, normaliseAnswer(answer)).then((right) => ({ questionId, right: right && !repeated }));
  });
  const results = await Promise.all(checks);

  const wrong = results.filter((result) => !result.right).map((result) => result.questionId);
  for (const questionId of asked) if (!seen.has(questionId) && !wrong.includes(questionId)) wrong.push(questionId);
  return { ok: given.length > 0 && wrong.length === 0, wrong };
}
