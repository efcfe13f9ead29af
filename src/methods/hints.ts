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
