/**
 * Password policy settings, their zod schema and defaults.
 *
 * Defaults follow NIST SP 800-63B / OWASP: at least 8 characters, at least 64 allowed (we
 * allow 256, Active Directory's own ceiling), no composition rules unless asked for
 * (`requireThreeClasses` gives parity with AD's "complexity" setting).
 */
import { z } from 'zod';

/** Entra's custom banned list holds up to 1000 terms. */
export const MAX_CUSTOM_BANNED_TERMS = 1000;

export const passwordSettingsSchema = z
  .object({
    /** Minimum length in code points after NFC (8–64). */
    minLength: z.number().int().min(8).max(64).default(8),
    /** Maximum length in code points after NFC; never below 64. */
    maxLength: z.number().int().min(64).max(1024).default(256),
    /** AD-style complexity: three of upper case, lower case, digits, other characters. */
    requireThreeClasses: z.boolean().default(false),
    /** Organisation-specific banned terms, fuzzily matched like the global list. */
    customBanned: z.array(z.string().trim().min(4).max(64)).max(MAX_CUSTOM_BANNED_TERMS).default([]),
    /**
     * How many previous passwords the caller's history check covers (0 = no history check).
     * This module does not keep hashes; the caller supplies `isInHistory`.
     */
    historyLength: z.number().int().min(0).max(24).default(0),
    /** Reject passwords on the shipped common-password list. */
    checkCommonPasswords: z.boolean().default(true),
    /** Reject passwords found by the configured breach checker (if one is configured). */
    checkBreached: z.boolean().default(true),
    /**
     * Minimum zxcvbn score 0–4 (0 disables the rule). The default 2 ("somewhat guessable",
     * ≥ 10^6 guesses) refuses repeated or sequential characters, keyboard rows, dates and
     * word + digits patterns — the values NIST SP 800-63B says to refuse ("aaaaaa",
     * "1234abcd") — which the Entra score alone lets through ("Admin123!", "19.05.1987").
     */
    minStrengthScore: z.number().int().min(0).max(4).default(2),
  })
  .refine((settings) => settings.minLength <= settings.maxLength, {
    message: 'minLength must not exceed maxLength',
    path: ['minLength'],
  });

export type PasswordSettings = z.infer<typeof passwordSettingsSchema>;
export type PasswordSettingsInput = z.input<typeof passwordSettingsSchema>;

export const DEFAULT_PASSWORD_SETTINGS: Readonly<PasswordSettings> = Object.freeze(passwordSettingsSchema.parse({}));

/** What a directory reports about its own password policy (AD domain policy / PSO, ppolicy). */
export interface DirectoryPasswordPolicy {
  minLength?: number;
  /** AD "password must meet complexity requirements". */
  complexity?: boolean;
  historyLength?: number;
}

/**
 * Merges our settings with the directory's policy, keeping the stricter value of each:
 * the longer minimum length (raising the maximum if needed), complexity if either asks for
 * it, the longer history. A directory minimum below our floor of 8 does not lower ours.
 */
export function stricter(settings: PasswordSettings, directoryPolicy: DirectoryPasswordPolicy): PasswordSettings {
  const minLength = Math.max(settings.minLength, directoryPolicy.minLength ?? 0);
  return {
    ...settings,
    minLength,
    maxLength: Math.max(settings.maxLength, minLength),
    requireThreeClasses: settings.requireThreeClasses || directoryPolicy.complexity === true,
    historyLength: Math.max(settings.historyLength, directoryPolicy.historyLength ?? 0),
    customBanned: [...settings.customBanned],
  };
}
