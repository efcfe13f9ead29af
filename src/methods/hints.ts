import type { Lang } from '../i18n/lang.js';
import { messages, type Under } from '../i18n/messages.js';
import type { MessageParams } from '../i18n/message-params.js';

const BULLETS = '•••••';

/**
 * Masks an address so its owner can recognise it without anyone learning it: the first character of the
 * domain, then the top-level domain (`•••••@o•••••.net`). The local part shows nothing: its first letter
 * usually repeats the user name's, and a hint that echoes the typed name for real accounts only would tell
 * real from unknown names. The number of bullets is fixed so it does not leak the length.
 */
export function maskEmail(email: string): string {
  const [, domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${BULLETS}@${[...domain][0] ?? ''}${BULLETS}${tld}`;
}

/**
 * The hint of the last-resort decoy (no account can stand in, see decoy-ring.ts): the organisation's usual
 * mail domain, masked like a real one.
 */
export function decoyEmailHint(usualDomain: string | null): string {
  return maskEmail(`x@${usualDomain ?? 'example.org'}`);
}

type HintKey = Under<'method-hints.'>;

/**
 * A method's hint as a flow stores it: a message key (messages/<lang>/method-hints.json) and its params, so
 * the page renders it in the reader's language, not the one the flow was started in. Masked addresses and
 * numbers are the same in every language and are stored as they are.
 */
export type StoredHint = { [K in HintKey]: { key: K; params: MessageParams[`method-hints.${K}`] } }[HintKey];

/**
 * A hint as a flow stores it: a message key and params, or a plain string — a masked address or number, or a
 * text already rendered (flow rows of earlier versions), shown as it is.
 */
export type MethodHint = StoredHint | string;

/** The hint in the reader's language. */
export function renderHint(hint: MethodHint, lang: Lang): string {
  if (typeof hint === 'string') return hint;
  return messages.formatAny(lang, `method-hints.${hint.key}`, hint.params);
}
