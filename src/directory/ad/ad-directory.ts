import { countMatches } from '../ldap-common/count-matches.js';
import { Attribute, Change, type Client, type Control } from 'ldapts';
import {
  DirectoryError,
  type DirectoryPasswordPolicy,
  type DirectoryProbe,
  type OnPremAccount,
  type DirectoryRights,
  type OnPremDirectory,
  type OnPremInspection,
  type ResetOptions,
} from '../onprem/onprem-directory.js';
import { accountAttributes, binaryAttributes, toAccount } from './ad-account.js';
import { parseAdConfig, serviceBindName, type AdConfig } from './ad-config.js';
import { adConnectionOptions, adPoolOptions, openAdConnection } from './ad-connection.js';
import { EntryReader } from './ad-entry.js';
import { translateAdError } from './ad-error-translator.js';
import { and, eq } from '../ldap-common/ldap-filter.js';
import { closeQuietly, LdapBindPool, LdapPool } from '../ldap-common/ldap-pool.js';
import { PolicyHintsControl, policyHintsOid } from './ad-policy-hints.js';
import { readPolicy } from './ad-password-policy.js';
import { normaliseDn, protectedGroupSids } from './ad-protected.js';
import { unicodePwdValue } from './unicode-pwd.js';
import { filetimeToUnixMs, largeInteger, sidToString } from './ad-values.js';
import { EXTENDED_RIGHTS, SdFlagsControl, hasControlAccess, parseDacl } from './ad-security-descriptor.js';
import { boundTokenSids } from './ad-token.js';

/** What the connector needs from the rootDSE, read once per directory instance. */
interface RootDse {
  supportedControls: string[];
  supportedExtensions: string[];
  defaultNamingContext: string;
}

/** How long the service account's token (objectSid + tokenGroups) is reused. */
const TOKEN_TTL_MS = 60_000;

/** Login names longer than this cannot exist (sAMAccountName ≤ 20, UPN ≤ 1024 by schema); never sent. */
const MAX_LOGIN_NAME_LENGTH = 1024;

/**
 * Names that cannot be AD login names are never sent: empty, too long, or containing control characters
 * (illegal in sAMAccountName and UPN). NUL matters most: Samba compares values as C strings, so an escaped
 * `alice\00` still matches `alice` — escaping alone is not enough there.
 */
function isPlausibleLoginName(username: string): boolean {
  // eslint-disable-next-line no-control-regex
  return username.length > 0 && username.length <= MAX_LOGIN_NAME_LENGTH && !/[\u0000-\u001f\u007f]/.test(username);
}

/**
 * Active Directory (and Samba AD) connector.
 *
 * Writes (MS-ADTS 3.1.1.3.1.5): reset = one modify *replace* of unicodePwd by the service account (needs the
 * "Reset Password" control access right); change = one modify *delete old + add new* (needs "Change
 * Password", which AD grants to Everyone by default; the DC checks the old password and the full policy).
 * All traffic is encrypted (LDAPS or StartTLS), see ad-config.ts.
 */
export class AdDirectory implements OnPremDirectory {
  readonly kind = 'ad' as const;
  /** Service-account connections (shared ldap-common pool: encrypted, bound once, never silently re-opened). */
  private readonly pool: LdapPool;
  /** Connections for password checks as the user (sign-in), never bound as the service account; each use binds first. */
  private readonly userBinds: LdapBindPool;
  private rootDse: Promise<RootDse> | undefined;
  private serviceToken: { sids: Promise<Set<string>>; at: number } | undefined;
  private protectedGroupDns: Promise<Set<string>> | undefined;

  constructor(readonly config: AdConfig) {
    this.pool = new LdapPool(adPoolOptions(config));
    this.userBinds = new LdapBindPool({ ...adConnectionOptions(config), size: config.poolSize });
  }

  /** Validates raw configuration (throws ZodError) and builds the connector; no I/O until first use. */
  static fromConfig(input: unknown): AdDirectory {
    return new AdDirectory(parseAdConfig(input));
  }

  async findAccount(username: string): Promise<OnPremAccount | null> {
    if (!isPlausibleLoginName(username)) return null;
    const filter = and(eq('objectCategory', 'person'), eq('objectClass', 'user'), eq(this.config.loginAttribute, username));
    const entries = await this.searchAccounts(filter);
    if (entries.length > 1) throw new DirectoryError('multiple-matches', `${entries.length} entries match ${filter}`);
    const entry = entries[0];
    return entry === undefined ? null : toAccount(entry, this.config, await this.protectedGroups());
  }

  async resetPassword(account: OnPremAccount, newPassword: string, options: ResetOptions = {}): Promise<void> {
    await this.refuseProtected(account);
    const hints = policyHintsOid((await this.readRootDse()).supportedControls);
    const controls: Control[] = hints !== null ? [new PolicyHintsControl(hints)] : [];
    await this.modify(account.dn, [replace('unicodePwd', unicodePwdValue(newPassword))], controls);
    // A reset stamps pwdLastSet with "now"; make the intended state explicit: 0 = must change at next logon,
    // -1 = clear it (MS-ADA3 Pwd-Last-Set; writing -1 needs "Unexpire Password" or write pwdLastSet).
    const mustChange = options.mustChangeAtNextLogon ?? this.config.mustChangeAfterSelfServiceReset;
    const follow = [replace('pwdLastSet', mustChange ? '0' : '-1')];
    // lockoutTime = 0 unlocks and clears badPwdCount (MS-ADTS 3.1.1.5.3.5.2); a reset unlocks by default.
    if (options.unlock ?? true) follow.push(replace('lockoutTime', '0'));
    await this.modify(account.dn, follow);
  }

  /**
   * Done with the *service* connection, not a bind as the user: a user who must change (pwdLastSet=0) or whose
   * password expired cannot bind (49 data 773/532) but may still change it. The DC verifies the old password
   * (00000056 when wrong, counting as a bad attempt) and applies the full policy including history and
   * minimum age, exactly as for the user's own change.
   */
  async changePassword(account: OnPremAccount, oldPassword: string, newPassword: string): Promise<void> {
    await this.modify(account.dn, [
      new Change({ operation: 'delete', modification: attribute('unicodePwd', unicodePwdValue(oldPassword)) }),
      new Change({ operation: 'add', modification: attribute('unicodePwd', unicodePwdValue(newPassword)) }),
    ]);
  }

  async unlock(account: OnPremAccount): Promise<void> {
    await this.modify(account.dn, [replace('lockoutTime', '0')]);
  }

  async verifyPassword(account: OnPremAccount, password: string): Promise<boolean> {
    // An empty password would be an unauthenticated bind, which succeeds (RFC 4513 §5.1.2): never send one.
    if (password.length === 0) return false;
    try {
      await this.userBinds.bindAs(account.dn, password.normalize('NFC'), async () => undefined);
      return true;
    } catch (error) {
      const translated = translateAdError(error);
      if (translated.reason === 'invalid-credentials') return false;
      throw translated;
    }
  }

  async readPasswordPolicy(account: OnPremAccount): Promise<DirectoryPasswordPolicy> {
    const { defaultNamingContext } = await this.readRootDse();
    return this.withService((client) => readPolicy(client, account.dn, defaultNamingContext));
  }

  async probe(): Promise<DirectoryProbe> {
    const started = performance.now();
    const result: DirectoryProbe = {
      reachable: false,
      encrypted: false,
      serviceBindOk: false,
      supportedControls: [],
      supportedExtensions: [],
      latencyMs: 0,
    };
    let client: Client | undefined;
    try {
      client = await openAdConnection(this.config);
      const rootDse = await searchRootDse(client);
      result.reachable = true;
      // The first operation went over TLS (LDAPS) or after a successful StartTLS, with the certificate verified.
      result.encrypted = true;
      result.supportedControls = rootDse.supportedControls;
      result.supportedExtensions = rootDse.supportedExtensions;
      await client.bind(serviceBindName(this.config), this.config.bindPassword);
      result.serviceBindOk = true;
    } catch (error) {
      const translated = translateAdError(error);
      result.error = { reason: translated.reason, raw: translated.raw };
    } finally {
      await closeQuietly(client);
      result.latencyMs = performance.now() - started;
    }
    return result;
  }

  /**
   * Read-only: match count, account, policy, pwdLastSet and the service account's effective rights on the object —
   * attribute writes from allowedAttributesEffective (MS-ADTS 3.1.1.4.5.9), the Reset/Change Password and Unexpire
   * Password control access rights from the object's DACL (read with the SD-flags control; READ_CONTROL is granted
   * to Authenticated Users by the default user SD) evaluated for the service account's objectSid + tokenGroups.
   */
  async inspectAccount(username: string): Promise<OnPremInspection> {
    const none: OnPremInspection = { matches: 0, account: null, policy: null, passwordChangedAt: null, rights: null };
    if (!isPlausibleLoginName(username)) return none;
    const filter = and(eq('objectCategory', 'person'), eq('objectClass', 'user'), eq(this.config.loginAttribute, username));
    const matches = await this.withService((client) => countMatches(client, this.config.baseDn, filter));
    if (matches !== 1) return { ...none, matches };
    const account = await this.findAccount(username);
    if (!account) return none;
    const policy = await this.readPasswordPolicy(account);
    const entry = await this.withService(async (client) => {
      const { searchEntries } = await client.search(
        account.dn,
        { scope: 'base', filter: '(objectClass=*)', attributes: ['pwdLastSet', 'allowedAttributesEffective', 'nTSecurityDescriptor'], explicitBufferAttributes: ['nTSecurityDescriptor'] },
        [new SdFlagsControl()],
      );
      return new EntryReader(searchEntries[0] ?? { dn: account.dn });
    });
    const pwdLastSet = largeInteger(entry.string('pwdLastSet'));
    const passwordChangedAt = pwdLastSet !== null && pwdLastSet > 0n ? filetimeToUnixMs(pwdLastSet) : null;
    const rights = await this.effectiveRights(entry);
    return { matches, account, policy, passwordChangedAt, rights };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.userBinds.close()]);
  }

  private async effectiveRights(entry: EntryReader): Promise<DirectoryRights> {
    const writable = new Set(entry.strings('allowedAttributesEffective').map((a) => a.toLowerCase()));
    const sd = entry.buffer('nTSecurityDescriptor');
    const dacl = sd !== undefined && sd.length >= 20 ? parseDacl(sd) : null;
    const token = dacl ? await this.tokenSids() : new Set<string>();
    const control = (guid: string) => (dacl ? hasControlAccess(dacl, token, guid) : null);
    const rights: DirectoryRights = {
      resetPassword: control(EXTENDED_RIGHTS.resetPassword),
      changePassword: control(EXTENDED_RIGHTS.changePassword),
      writeLockoutTime: writable.has('lockouttime'),
      writePwdLastSet: writable.has('pwdlastset'),
      missing: [],
      evidence: '',
    };
    const unexpire = control(EXTENDED_RIGHTS.unexpirePassword);
    if (rights.resetPassword === false) rights.missing.push('Reset Password');
    if (rights.changePassword === false) rights.missing.push('Change Password');
    if (unexpire === false) rights.missing.push('Unexpire Password');
    if (!rights.writeLockoutTime) rights.missing.push('write lockoutTime');
    if (!rights.writePwdLastSet) rights.missing.push('write pwdLastSet');
    if (dacl?.protected) rights.missing.push('inheritance');
    rights.evidence =
      `allowedAttributesEffective on ${entry.dn}: ${[...writable].join(', ') || '(none)'}; ` +
      (dacl
        ? `DACL (${dacl.aces.length} ACEs${dacl.protected ? ', inheritance disabled' : ''}) grants ${serviceBindName(this.config)}: ` +
          `Reset Password ${yesNo(rights.resetPassword)}, Change Password ${yesNo(rights.changePassword)}, Unexpire Password ${yesNo(unexpire)}`
        : 'nTSecurityDescriptor not readable');
    return rights;
  }

  /** The service account's token as the DC sees the bound connection (ad-token.ts), reused for TOKEN_TTL_MS. */
  private tokenSids(): Promise<Set<string>> {
    const now = Date.now();
    if (this.serviceToken && now - this.serviceToken.at < TOKEN_TTL_MS) return this.serviceToken.sids;
    const sids = this.readRootDse().then(({ defaultNamingContext }) =>
      this.withService((client) => boundTokenSids(client, this.config, defaultNamingContext)),
    );
    this.serviceToken = { sids, at: now };
    sids.catch(() => (this.serviceToken = undefined));
    return sids;
  }

  /** Refuses a protected account before any write, re-reading it so a stale account object cannot slip through. */
  private async refuseProtected(account: OnPremAccount): Promise<void> {
    const refuse = () =>
      new DirectoryError('protected-account', `${account.dn} is a protected account (adminCount/protected group); not written`);
    if (account.protectedAccount) throw refuse();
    const fresh = await this.searchAccounts('(objectClass=user)', account.dn);
    const entry = fresh[0];
    if (entry === undefined) throw new DirectoryError('user-not-found', `${account.dn} no longer exists`);
    if (toAccount(entry, this.config, await this.protectedGroups()).protectedAccount) throw refuse();
  }

  private async searchAccounts(filter: string, baseDn?: string): Promise<EntryReader[]> {
    try {
      return await this.pool.use(async (client) => {
        const { searchEntries } = await client.search(baseDn ?? this.config.baseDn, {
          scope: baseDn !== undefined ? 'base' : 'sub',
          filter,
          attributes: accountAttributes(this.config),
          explicitBufferAttributes: binaryAttributes(this.config),
          sizeLimit: 2,
        });
        return searchEntries.map((entry) => new EntryReader(entry));
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 4) throw new DirectoryError('multiple-matches', `more than one entry matches ${filter}`, 4);
      if (code === 32 && baseDn !== undefined) return [];
      throw translateAdError(error);
    }
  }

  private async modify(dn: string, changes: Change[], controls: Control[] = []): Promise<void> {
    await this.withService((client) => client.modify(dn, changes, controls));
  }

  private async withService<T>(work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await this.pool.use(work);
    } catch (error) {
      throw translateAdError(error);
    }
  }

  /** The rootDSE, read once; a failed read is forgotten so the next call retries. */
  private readRootDse(): Promise<RootDse> {
    this.rootDse ??= this.withService(searchRootDse).catch((error: unknown) => {
      this.rootDse = undefined;
      throw error;
    });
    return this.rootDse;
  }

  /**
   * Normalised DNs of the protected groups: the configured ones plus the built-in ones resolved by their
   * well-known SIDs in this domain (so renamed groups are still recognised). Read once.
   */
  private protectedGroups(): Promise<Set<string>> {
    this.protectedGroupDns ??= this.resolveProtectedGroups().catch((error: unknown) => {
      this.protectedGroupDns = undefined;
      throw error;
    });
    return this.protectedGroupDns;
  }

  private async resolveProtectedGroups(): Promise<Set<string>> {
    const { defaultNamingContext } = await this.readRootDse();
    const dns = new Set(this.config.protectedGroups.map(normaliseDn));
    await this.withService(async (client) => {
      const domain = await client.search(defaultNamingContext, {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['objectSid'],
        explicitBufferAttributes: ['objectSid'],
      });
      const sidBytes = new EntryReader(domain.searchEntries[0] ?? { dn: '' }).buffer('objectSid');
      if (sidBytes === undefined) return;
      const sids = protectedGroupSids(sidToString(sidBytes));
      const { searchEntries } = await client.search(defaultNamingContext, {
        scope: 'sub',
        filter: `(|${sids.map((sid) => `(objectSid=${sid})`).join('')})`,
        attributes: ['objectSid'],
      });
      for (const entry of searchEntries) dns.add(normaliseDn(entry.dn));
    });
    return dns;
  }
}

async function searchRootDse(client: Client): Promise<RootDse> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['supportedControl', 'supportedExtension', 'defaultNamingContext'],
  });
  const entry = new EntryReader(searchEntries[0] ?? { dn: '' });
  return {
    // Samba lists some OIDs several times; keep each once.
    supportedControls: [...new Set(entry.strings('supportedControl'))],
    supportedExtensions: [...new Set(entry.strings('supportedExtension'))],
    defaultNamingContext: entry.string('defaultNamingContext') ?? '',
  };
}

function yesNo(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'yes' : 'no';
}

function attribute(type: string, value: Buffer | string): Attribute {
  return new Attribute(Buffer.isBuffer(value) ? { type, values: [value] } : { type, values: [value] });
}

function replace(type: string, value: Buffer | string): Change {
  return new Change({ operation: 'replace', modification: attribute(type, value) });
}
