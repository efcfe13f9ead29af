import type { Lang } from '../i18n/lang.js';
import { messages, type Under } from '../i18n/messages.js';
import type { MessageParams } from '../i18n/message-params.js';

const BULLETS = '•••••';

/**
 * Masks an address so it can be recognised but not learned: first character of the local part and of the
 * domain, then the top-level domain. The number of bullets is fixed so it does not leak the length.
 */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${[...local][0] ?? ''}${BULLETS}@${[...domain][0] ?? ''}${BULLETS}${tld}`;
}

/**
 * A hint for a user who does not exist, shaped like a real one: the first letter of the name asked for and
 * the organisation's usual mail domain, so the answer to "reset X" looks the same whether or not X exists.
 */
export function decoyEmailHint(username: string, usualDomain: string | null): string {
  const first = [...username.trim().toLowerCase()].find((c) => /\p{L}|\p{N}/u.test(c)) ?? 'u';
  return maskEmail(`${first}@${usualDomain ?? 'example.org'}`);
}

type HintKey = Under<'method-hints.'>;

/**
 * A method's hint as a flow stores it: a message key (messages/<lang>/method-hints.json) and its params, so
 * the page renders it in the reader's language, not the one the flow was started in. Masked addresses and
 * numbers are the same in every language and are stored as they are.
 */
export type StoredHint = { [K in HintKey]: { key: K; params: MessageParams[`method-hints.${K}`] } }[HintKey];

/** The hint in the reader's language. */
export function renderHint(hint: StoredHint | string, lang: Lang): string {
  if (typeof hint === 'string') return hint;
  return messages.formatAny(lang, `method-hints.${hint.key}`, hint.params);
}
