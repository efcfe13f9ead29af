/**
 * OnPremDirectory for OpenLDAP (and RFC directories with the ppolicy overlay, draft-behera-ldap-password-policy).
 * - Service-account operations run on a pooled, encrypted, bound connection (ldap-pool.ts).
 * - Resets and changes use the Password Modify extended operation (RFC 3062), so the server hashes the value
 *   and ppolicy (with olcPPolicyHashCleartext) checks length, quality, history and minimum age.
 * - A user change and a password check bind as the user, on a pooled connection kept for user binds only
 *   (LdapBindPool): a wrong old password then counts towards the lockout, exactly like a failed login (an oldPasswd
 *   check by the service account would not).
 * - The ppolicy entry is cached for POLICY_CACHE_MS (readPolicyEntry).
 */
import { MATCH_COUNT_LIMIT } from '../ldap-common/count-matches.js';
import { Attribute, Change, Control, type Client, type Entry } from 'ldapts';
import {
  DirectoryError,
  type DirectoryPasswordPolicy,
  type DirectoryProbe,
  type OnPremAccount,
  type OnPremDirectory,
  type OnPremInspection,
  type ResetOptions,
} from '../onprem/onprem-directory.js';
import { and, eq } from '../ldap-common/ldap-filter.js';
import { closeQuietly, isEncrypted, LdapBindPool, LdapPool, openConnection } from '../ldap-common/ldap-pool.js';
import { firstValue, generalizedTime, numberValue, values } from '../ldap-common/ldap-values.js';
import { passwordModify } from '../ldap-common/password-modify.js';
import { accountFromEntry, passwordPolicyFromEntry, POLICY_ATTRIBUTES, STATE_ATTRIBUTES } from './ldap-account.js';
import { ldapConfigSchema, type LdapConfig, type LdapConfigInput } from './ldap-config.js';
import { translateLdapError, type TranslationContext } from './ldap-error-translator.js';

/** Relax Rules control (draft-zeilenga-ldap-relax): lets `manage` access modify NO-USER-MODIFICATION attributes. */
const RELAX_RULES_OID = '1.3.6.1.4.1.4203.666.5.12';

/** How long a read ppolicy entry is reused: a policy edited in the directory applies here within this time, or at the next refused password write. */
const POLICY_CACHE_MS = 60_000;
/** Accounts whose policy DN is remembered at most (see rememberPolicyDn). */
const POLICY_DNS_KEPT = 10_000;

export class LdapDirectory implements OnPremDirectory {
  readonly kind = 'ldap' as const;
  private readonly pool: LdapPool;
  /** Connections for binds as users (changes, password checks), never bound as the service account. */
  private readonly userBinds: LdapBindPool;
  private readonly policies = new Map<string, { entry: Promise<Entry | null>; readAt: number }>();
  /** Each account's policy DN as findAccount last read it (pwdPolicySubentry), so readPasswordPolicy need not re-read it. */
  private readonly policyDns = new Map<string, { policyDn: string | undefined; readAt: number }>();

  constructor(private readonly config: LdapConfig) {
    const connection = { url: config.url, startTls: config.startTls, caFile: config.caFile, timeoutMs: config.timeoutMs, size: config.poolSize };
    this.pool = new LdapPool({ ...connection, bindDn: config.bindDn, bindPassword: config.bindPassword });
    this.userBinds = new LdapBindPool(connection);
  }

  /** Validates `input` against the strict schema (throws a ZodError naming the bad fields). */
  static fromConfig(input: LdapConfigInput): LdapDirectory {
    return new LdapDirectory(ldapConfigSchema.parse(input));
  }

  async findAccount(username: string): Promise<OnPremAccount | null> {
    if (username.length === 0) return null;
    const entries = await this.searchAccountEntries(username, 2).catch((error: unknown) => {
      // sizeLimit 2 reached: more than one match (code 4, sizeLimitExceeded).
      if (error instanceof DirectoryError && error.ldapCode === 4) throw new DirectoryError('multiple-matches', error.raw, 4);
      throw error;
    });
    if (entries.length > 1) throw new DirectoryError('multiple-matches', `${entries.length} entries match`);
    const entry = entries[0];
    return entry ? this.accountOf(entry, await this.readPolicyEntry(this.policyDnOf(entry))) : null;
  }

  /** Entries matching the login name, with the account and state attributes; at most `sizeLimit` (else code 4). */
  private searchAccountEntries(username: string, sizeLimit: number): Promise<Entry[]> {
    const map = this.config.attributes;
    const filter = and(eq('objectClass', this.config.userObjectClass), eq(this.config.loginAttribute, username));
    const attributes = [this.config.loginAttribute, map.mail, map.mobile, map.givenName, map.sn, map.displayName, map.anchor];
    return this.serviceOp(async (client) => {
      const result = await client.search(this.config.baseDn, { scope: 'sub', filter, sizeLimit, attributes: [...attributes, ...STATE_ATTRIBUTES] });
      return result.searchEntries;
    });
  }

  /** The account of a searched entry, remembering its policy DN (readPasswordPolicy). */
  private accountOf(entry: Entry, policy: Entry | null): OnPremAccount {
    this.rememberPolicyDn(entry.dn, this.policyDnOf(entry));
    return accountFromEntry(entry, policy, { ...this.config.attributes, login: this.config.loginAttribute });
  }

  /**
   * Password Modify as the service account, then a modify only for a flag ppolicy does not leave as asked. On a
   * successful Password Modify by the service account, ppolicy itself deletes pwdReset, pwdAccountLockedTime and
   * pwdFailureTime (measured on slapd 2.5 with pwdMustChange FALSE and TRUE; test/integration/directory-ldap pins
   * it), so a plain reset is one write; `mustChangeAtNextLogon` sets pwdReset and `unlock: false` writes the lock
   * back.
   */
  async resetPassword(account: OnPremAccount, newPassword: string, options: ResetOptions = {}): Promise<void> {
    const keepLock = options.unlock === false ? await this.lockedTime(account.dn) : null;
    await this.serviceOp(
      (client) => passwordModify(client, { userIdentity: account.dn, newPassword }),
      { newPassword, policyOf: account.dn },
    );
    const changes = [
      ...(options.mustChangeAtNextLogon === true ? [replace('pwdReset', ['TRUE'])] : []),
      ...(keepLock === null ? [] : [replace('pwdAccountLockedTime', [keepLock])]),
    ];
    if (changes.length > 0) await this.serviceOp((client) => client.modify(account.dn, changes));
  }

  /**
   * Binds as the user, then Password Modify with oldPasswd. Measured on slapd 2.5: when the service account sends a
   * wrong oldPasswd for another user, the answer is 53 and NO failure is counted (an unthrottled password oracle),
   * so the change is never done with the service account.
   */
  async changePassword(account: OnPremAccount, oldPassword: string, newPassword: string): Promise<void> {
    // An empty password would make an unauthenticated bind succeed (RFC 4513 §5.1.2).
    if (oldPassword.length === 0) throw new DirectoryError('wrong-old-password', 'empty old password', 49);
    await this.asUser(account, oldPassword, 'wrong-old-password', (client) => passwordModify(client, { oldPassword, newPassword }), {
      newPassword,
      policyOf: account.dn,
    });
  }

  /**
   * Deletes pwdAccountLockedTime and the failure count pwdFailureTime (else the next wrong password locks again
   * at once); no error when not locked. pwdFailureTime is NO-USER-MODIFICATION: deleting it takes the Relax
   * Rules control and `manage` access; without them only the lock itself is removed.
   */
  async unlock(account: OnPremAccount): Promise<void> {
    const relaxed = [replace('pwdAccountLockedTime', []), replace('pwdFailureTime', [])];
    try {
      await this.serviceOp((client) => client.modify(account.dn, relaxed, new Control(RELAX_RULES_OID, { critical: true })));
    } catch (error) {
      const refusedRelax = error instanceof DirectoryError && [12, 19, 50].includes(error.ldapCode ?? 0);
      if (!refusedRelax) throw error;
      await this.serviceOp((client) => client.modify(account.dn, [replace('pwdAccountLockedTime', [])]));
    }
  }

  async verifyPassword(account: OnPremAccount, password: string): Promise<boolean> {
    // An empty password would be an unauthenticated bind, which succeeds (RFC 4513 §5.1.2).
    if (password.length === 0) return false;
    try {
      await this.asUser(account, password, 'invalid-credentials', async () => undefined);
      return true;
    } catch (error) {
      if (error instanceof DirectoryError && error.reason === 'invalid-credentials') return false;
      throw error;
    }
  }

  async readPasswordPolicy(account: OnPremAccount): Promise<DirectoryPasswordPolicy> {
    const known = this.policyDns.get(account.dn);
    const policyDn = known && Date.now() - known.readAt < POLICY_CACHE_MS
      ? known.policyDn
      : await this.readState(account.dn).then((state) => (state ? this.policyDnOf(state) : this.config.passwordPolicyDn));
    const policy = await this.readPolicyEntry(policyDn);
    return policy ? passwordPolicyFromEntry(policy) : {};
  }

  async probe(): Promise<DirectoryProbe> {
    const started = performance.now();
    const encrypted = isEncrypted(this.config);
    const probe: DirectoryProbe = {
      reachable: false, encrypted, serviceBindOk: false, supportedControls: [], supportedExtensions: [], latencyMs: 0,
    };
    let client: Client | undefined;
    try {
      client = await openConnection(this.config);
      const rootDse = await client.search('', {
        scope: 'base', filter: '(objectClass=*)', attributes: ['supportedControl', 'supportedExtension'],
      });
      probe.reachable = true;
      const root = rootDse.searchEntries[0];
      if (root) {
        probe.supportedControls = values(root, 'supportedControl');
        probe.supportedExtensions = values(root, 'supportedExtension');
      }
      await client.bind(this.config.bindDn, this.config.bindPassword);
      probe.serviceBindOk = true;
    } catch (error) {
      const translated = translateLdapError(error);
      if (translated.ldapCode !== undefined) probe.reachable = true;
      probe.error = { reason: translated.reason, raw: translated.raw };
    } finally {
      await closeQuietly(client);
    }
    probe.latencyMs = performance.now() - started;
    return probe;
  }

  /**
   * Read-only: match count, account, ppolicy entry and pwdChangedTime. OpenLDAP has no effective-rights read for
   * a client (no equivalent of AD's allowedAttributesEffective), so `rights` is null: the doctor says it cannot tell.
   */
  async inspectAccount(username: string): Promise<OnPremInspection> {
    const none: OnPremInspection = { matches: 0, account: null, policy: null, passwordChangedAt: null, rights: null };
    if (username.length === 0) return none;
    // One search answers both how many objects match (up to MATCH_COUNT_LIMIT) and, for one, its account and
    // state attributes; then the policy entry, read fresh. Two round trips where a count, a lookup and a state
    // read took four.
    const entries = await this.searchAccountEntries(username, MATCH_COUNT_LIMIT).catch((error: unknown) => {
      if (error instanceof DirectoryError && error.ldapCode === 4) return null; // sizeLimitExceeded: at least the limit
      throw error;
    });
    const matches = entries === null ? MATCH_COUNT_LIMIT : entries.length;
    const entry = entries?.[0];
    if (matches !== 1 || entry === undefined) return { ...none, matches };
    const policy = await this.readPolicyEntry(this.policyDnOf(entry), true);
    const changed = generalizedTime(firstValue(entry, 'pwdChangedTime'));
    return {
      matches,
      account: this.accountOf(entry, policy),
      policy: policy ? passwordPolicyFromEntry(policy) : null,
      passwordChangedAt: changed?.getTime() ?? null,
      rights: null,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.userBinds.close()]);
  }

  /** Runs `work` on a pooled service connection; every failure comes out as a DirectoryError. */
  private async serviceOp<T>(work: (client: Client) => Promise<T>, context?: ErrorContext): Promise<T> {
    try {
      return await this.pool.use(work);
    } catch (error) {
      throw await this.translate(error, context);
    }
  }

  /**
   * Translates with the facts the translator needs: the policy's pwdMinLength (for "fails quality checking
   * policy") and whether the account is locked (for 49, which OpenLDAP answers for locked accounts too).
   */
  private async translate(error: unknown, context: ErrorContext = {}): Promise<DirectoryError> {
    // A refused password write may come from a policy edited since it was cached: read it afresh from now on.
    if (context.policyOf !== undefined) {
      this.policies.clear();
      this.policyDns.clear();
    }
    const first = translateLdapError(error, context);
    const dn = context.policyOf ?? context.lockedCheckOf;
    if (dn === undefined) return first;
    const facts: TranslationContext = { ...context };
    const needsPolicy = context.policyOf !== undefined && first.ldapCode === 19 && first.reason === 'policy';
    const needsLock = context.lockedCheckOf !== undefined && first.ldapCode === 49;
    if (!needsPolicy && !needsLock) return first;
    const state = await this.readState(dn).catch(() => null);
    if (needsLock) facts.locked = state !== null && firstValue(state, 'pwdAccountLockedTime') !== null;
    if (needsPolicy) {
      const policy = await this.readPolicyEntry(state ? this.policyDnOf(state) : this.config.passwordPolicyDn).catch(() => null);
      const minLength = policy ? numberValue(policy, 'pwdMinLength') : undefined;
      if (minLength !== undefined) facts.minLength = minLength;
    }
    return translateLdapError(error, facts);
  }

  /**
   * Runs `work` on a pooled connection bound as the account. Every failure comes out as a DirectoryError: a failed
   * bind's 49 as `onBadPassword` (or 'locked' when it is), a failure of `work` translated with `workContext`.
   */
  private async asUser(
    account: OnPremAccount,
    password: string,
    onBadPassword: 'invalid-credentials' | 'wrong-old-password',
    work: (client: Client) => Promise<void>,
    workContext: ErrorContext = {},
  ): Promise<void> {
    let bound = false;
    try {
      await this.userBinds.bindAs(account.dn, password, (client) => {
        bound = true;
        return work(client);
      });
    } catch (error) {
      if (bound) throw await this.translate(error, workContext);
      const translated = await this.translate(error, { lockedCheckOf: account.dn });
      if (translated.reason === 'invalid-credentials') throw new DirectoryError(onBadPassword, translated.raw, 49);
      throw translated;
    }
  }

  /** The user entry's ppolicy state attributes, or null when the entry is gone. */
  private async readState(dn: string): Promise<Entry | null> {
    const result = await this.serviceOp((client) =>
      client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: STATE_ATTRIBUTES }),
    ).catch((error: unknown) => {
      if (error instanceof DirectoryError && error.reason === 'user-not-found') return null;
      throw error;
    });
    return result?.searchEntries[0] ?? null;
  }

  /** pwdAccountLockedTime of the entry, null when not locked (or gone). */
  private async lockedTime(dn: string): Promise<string | null> {
    const state = await this.readState(dn);
    return state ? firstValue(state, 'pwdAccountLockedTime') : null;
  }

  /** Kept for POLICY_CACHE_MS; at most POLICY_DNS_KEPT accounts (the oldest go first). */
  private rememberPolicyDn(dn: string, policyDn: string | undefined): void {
    this.policyDns.delete(dn);
    this.policyDns.set(dn, { policyDn, readAt: Date.now() });
    if (this.policyDns.size > POLICY_DNS_KEPT) {
      const oldest = this.policyDns.keys().next();
      if (oldest.done !== true) this.policyDns.delete(oldest.value);
    }
  }

  private policyDnOf(entry: Entry): string | undefined {
    return firstValue(entry, 'pwdPolicySubentry') ?? this.config.passwordPolicyDn;
  }

  /**
   * The ppolicy entry, read at most once per POLICY_CACHE_MS per DN; a failed read is not kept, and a refused
   * password write empties the cache (translate). `fresh` reads it now (the doctor must see an edited policy at
   * once) and refreshes the cache.
   */
  private async readPolicyEntry(dn: string | undefined, fresh = false): Promise<Entry | null> {
    if (dn === undefined) return null;
    const now = Date.now();
    const cached = this.policies.get(dn);
    if (!fresh && cached && now - cached.readAt < POLICY_CACHE_MS) return cached.entry;
    const entry = this.serviceOp((client) =>
      client.search(dn, { scope: 'base', filter: '(objectClass=pwdPolicy)', attributes: POLICY_ATTRIBUTES }),
    ).then((result) => result.searchEntries[0] ?? null);
    this.policies.set(dn, { entry, readAt: now });
    entry.catch(() => {
      if (this.policies.get(dn)?.entry === entry) this.policies.delete(dn);
    });
    return entry;
  }
}

interface ErrorContext {
  newPassword?: string;
  /** DN whose policy's pwdMinLength refines a 19 "fails quality checking policy". */
  policyOf?: string;
  /** DN whose pwdAccountLockedTime tells a locked account from a wrong password on 49. */
  lockedCheckOf?: string;
}

/** Replace; with no values it deletes the attribute, or does nothing when absent (RFC 4511 §4.6). */
function replace(type: string, values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}
