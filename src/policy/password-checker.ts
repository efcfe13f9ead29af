import type { Lang } from '../i18n/lang.js';
import { format } from '../i18n/lang.js';

export interface PasswordReason {
  code: string;
  message: string;
}

export interface PasswordVerdict {
  accepted: boolean;
  reasons: PasswordReason[];
}

export interface PasswordSubject {
  username: string;
  displayName?: string;
}

/** Decides whether a new password is acceptable for a user, and says why not in the user's language. */
export interface PasswordChecker {
  check(password: string, subject: PasswordSubject, lang: Lang): Promise<PasswordVerdict>;
}

const messages = {
  'too-short': { en: 'Use at least {min} characters; this one has {length}.', de: 'Verwenden Sie mindestens {min} Zeichen; dieses hat {length}.' },
  'too-long': { en: 'Use at most {max} characters; this one has {length}.', de: 'Verwenden Sie höchstens {max} Zeichen; dieses hat {length}.' },
  'contains-username': {
    en: 'The password must not contain your user name.',
    de: 'Das Kennwort darf Ihren Benutzernamen nicht enthalten.',
  },
} as const;

/** Length in Unicode code points after NFC, as NIST 800-63B counts. */
export function passwordLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

/**
 * The basic rules: 8–256 code points after NFC (bounds configurable), and not containing the user name.
 * Spaces and every Unicode character are allowed; no composition rules.
 */
export function basicPasswordChecker(settings: { minLength: number; maxLength: number }): PasswordChecker {
  return {
    async check(password, subject, lang) {
      const reasons: PasswordReason[] = [];
      const length = passwordLength(password);
      const add = (code: keyof typeof messages, params: Record<string, number> = {}) =>
        reasons.push({ code, message: format(messages[code][lang], params) });
      if (length < settings.minLength) add('too-short', { min: settings.minLength, length });
      if (length > settings.maxLength) add('too-long', { max: settings.maxLength, length });
      const name = subject.username.normalize('NFC').toLowerCase();
      if (name.length >= 3 && password.normalize('NFC').toLowerCase().includes(name)) add('contains-username');
      return { accepted: reasons.length === 0, reasons };
    },
  };
}
