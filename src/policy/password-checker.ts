import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../i18n/lang.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../store/clock.js';
import type { BannedTermsRepository } from '../store/banned-terms-repository.js';
import { usernameKey } from '../store/users-repository.js';
import { clientNetwork } from './client-network.js';
import { SsprError } from '../errors/sspr-error.js';
import {
  EvaluationBusyError,
  BreachCorpus,
  RangeApiBreachChecker,
  bannedTermIndexFor,
  evaluatePassword,
  passwordSettingsSchema,
  stricter,
  type BreachChecker,
  type DirectoryPasswordPolicy,
  type PasswordSettings,
  type PasswordVerdict,
} from '../password-policy/index.js';

export type { PasswordVerdict };

/** Who the password is for; the more is known, the more personal words are refused. */
export interface PasswordSubject {
  username: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  /** True when the password was one of the user's recent ones (supplied by the directory). */
  isInHistory?: (password: string) => Promise<boolean>;
  /** The account's directory policy: where stricter than ours it applies too, so users learn the rule first. */
  directoryPolicy?: DirectoryPasswordPolicy | null;
}

/** Decides whether a new password is acceptable for a user, and says why not in the user's language. */
export interface PasswordChecker {
  readonly settings: PasswordSettings;
  /**
   * Rejects with SsprError `password-check-busy` (503) when too many evaluations wait for their turn: more than a
   * few for the same requester — the subject's account, or for a subject without a name the client address
   * `from`'s network — or more than the process works through promptly.
   */
  check(password: string, subject: PasswordSubject, lang: Lang, from?: string): Promise<PasswordVerdict>;
}

/** The rules a subject's password must meet, as checked and as listed on the pages: ours, made stricter where the account's directory policy is. */
export function rulesFor(settings: PasswordSettings, directoryPolicy: DirectoryPasswordPolicy | null | undefined): PasswordSettings {
  return directoryPolicy ? stricter(settings, directoryPolicy) : settings;
}

const CUSTOM_LIST_REFRESH_MS = 30_000;

/**
 * Whose line an evaluation waits in: the account's when the subject names one (a verified reset flow, a signed-in
 * user, an administrator's target: one person), else the client network's (clientNetwork: an IPv6 /64 is one).
 */
function requesterOf(subject: PasswordSubject, from: string | undefined): string {
  const account = usernameKey(subject.username);
  return account !== '' ? `account:${account}` : `client:${from === undefined ? '' : clientNetwork(from)}`;
}

/**
 * The service's password policy: the engine in password-policy/ with the organisation's custom banned list
 * (read from the store, refreshed every 30 s so CLI changes reach running servers), the organisation name,
 * and the breach corpus or range API when configured.
 */
export class PolicyPasswordChecker implements PasswordChecker {
  private custom: string[] = [];
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;

  constructor(
    readonly settings: PasswordSettings,
    private readonly bannedTerms: BannedTermsRepository,
    private readonly organisation: string,
    private readonly breach: BreachChecker | undefined,
    private readonly clock: Clock,
  ) {}

  async check(password: string, subject: PasswordSubject, lang: Lang, from?: string): Promise<PasswordVerdict> {
    await this.refreshCustomList();
    const { directoryPolicy, ...context } = subject;
    return evaluatePassword(
      password,
      { ...context, organisation: this.organisation, lang, requester: requesterOf(subject, from) },
      rulesFor(this.settings, directoryPolicy),
      { index: bannedTermIndexFor(this.custom), breach: this.breach },
    ).catch((error: unknown) => {
      // Too many evaluations wait for the event loop: refused at once (503), the password neither accepted nor not.
      if (error instanceof EvaluationBusyError) throw new SsprError('password-check-busy', { cause: error });
      throw error;
    });
  }

  private async refreshCustomList(): Promise<void> {
    if (this.clock.now() - this.loadedAt < CUSTOM_LIST_REFRESH_MS) return;
    this.loading ??= this.bannedTerms
      .list()
      .then((terms) => {
        this.custom = terms;
        this.loadedAt = this.clock.now();
      })
      .finally(() => {
        this.loading = null;
      });
    await this.loading;
  }
}

/** The engine's settings from the service configuration. */
export function passwordSettingsFrom(config: Config): PasswordSettings {
  const { minLength, maxLength, requireThreeClasses, historyLength, checkCommonPasswords, checkBreached, minStrengthScore } = config.password;
  return passwordSettingsSchema.parse({ minLength, maxLength, requireThreeClasses, historyLength, checkCommonPasswords, checkBreached, minStrengthScore });
}

/** The default place `sspr breach import` writes to and the service reads from. */
export function defaultBreachCorpusPath(dataDir: string): string {
  return join(dataDir, 'breach-corpus.bin');
}

/**
 * The breach checker the configuration asks for: the imported corpus (explicit file, or the default file when
 * present), else the range API, else none. A configured file that cannot be opened stops start-up.
 */
export async function openBreachChecker(config: Config): Promise<BreachChecker | undefined> {
  const file = config.password.breachCorpusFile ?? defaultBreachCorpusPath(config.dataDir);
  if (config.password.breachCorpusFile || existsSync(file)) return BreachCorpus.open(file);
  if (config.password.breachRangeUrl) return new RangeApiBreachChecker({ baseUrl: config.password.breachRangeUrl });
  return undefined;
}
