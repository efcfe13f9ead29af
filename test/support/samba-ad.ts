import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, mkdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';

/**
 * A throw-away Samba 4 Active Directory domain controller for integration tests, provisioned and run as below
 * (Debian packages: samba-ad-dc samba-ad-provision ldap-utils;
 * root needed: LDAP 389 / LDAPS 636 are fixed, so only one DC per machine). Start it once per test file.
 *
 * Layout: domain EXAMPLE.TEST, users under OU=People (the writeback scope), the delegated service account
 * `svc-sspr` in CN=Users — an ordinary user, NOT an administrator — holding these ACEs on OU=People, inherited
 * by user objects only (inherited-object-type = user class bf967aba-0de6-11d0-a285-00aa003049e2, flags CIIO):
 *   CR 00299570-246d-11d0-a768-00aa006e0529  Reset Password (User-Force-Change-Password)
 *   CR ab721a53-1e2f-11d0-9819-00aa0040529b  Change Password (User-Change-Password)
 *   CR ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501  Unexpire Password
 *   RPWP 28630ebf-41d5-11d1-a9c1-0000f80367c1  read/write lockoutTime
 *   RPWP bf967a0a-0de6-11d0-a285-00aa003049e2  read/write pwdLastSet
 * The ACEs are set before any user is created in the OU (Samba does not push a new inheritable ACE onto
 * children that already exist when set offline on sam.ldb), so every user added later inherits them.
 * Domain password policy: complexity on, length ≥ 8, history 3, minimum age 0, no maximum age, lockout after 3.
 */

const run = promisify(execFile);

export const REALM = 'EXAMPLE.TEST';
export const BASE_DN = 'DC=example,DC=test';
export const PEOPLE_OU = `OU=People,${BASE_DN}`;
const ADMIN_PASSWORD = 'Adm1n!Samba-Test';
const SERVICE_PASSWORD = 'Svc!Writeback-2026';
const USER_CLASS_GUID = 'bf967aba-0de6-11d0-a285-00aa003049e2';
const DELEGATED_RIGHTS = [
  'CR;00299570-246d-11d0-a768-00aa006e0529', // Reset Password
  'CR;ab721a53-1e2f-11d0-9819-00aa0040529b', // Change Password
  'CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501', // Unexpire Password
  'RPWP;28630ebf-41d5-11d1-a9c1-0000f80367c1', // lockoutTime
  'RPWP;bf967a0a-0de6-11d0-a285-00aa003049e2', // pwdLastSet
];

export interface AddUserOptions {
  givenName?: string;
  surname?: string;
  mail?: string;
  mobile?: string;
  /** Container DN; OU=People (the delegated OU) by default. */
  ou?: string;
}

export interface SambaAd {
  ldapsUrl: string;
  /** The plain LDAP URL on 389 (for encryption-required tests). */
  ldapUrl: string;
  caFile: string;
  /** The name in the DC's self-generated certificate (connect by IP, verify this name). */
  tlsServerName: string;
  baseDn: string;
  peopleOu: string;
  service: { dn: string; upn: string; password: string };
  admin: { upn: string; password: string };
  /** Creates an enabled user over LDAPS as Administrator; returns its DN. */
  addUser(name: string, password: string, options?: AddUserOptions): Promise<string>;
  /** Runs an LDAP modify as Administrator (test set-up only: group membership, userAccountControl …). */
  adminModify(dn: string, changes: { op: 'add' | 'delete' | 'replace'; attribute: string; values: string[] }[]): Promise<void>;
  /** Runs `samba-tool ARGS -H DIR/private/sam.ldb -s DIR/etc/smb.conf`, returns stdout. */
  sambaTool(...args: string[]): Promise<string>;
  /** Server output so far (for failure messages). */
  output(): string;
  /**
   * Stops samba (SIGTERM, every client connection drops) and starts it again on the same data; resolves once
   * LDAPS answers again.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Provisions and starts the DC; ≈ 7–9 s. Refuses clearly when LDAPS 636 is already taken. With
 * SSPR_SAMBA_AD_TEMPLATE naming a folder (scripts/test-integration.sh sets one per run), the domain is provisioned
 * and set up there once, and every DC starts on its own copy of it: the same domain, in the same state, as a
 * fresh provision (no test file sees another's changes), without the ≈ 7 s of CPU each provision takes.
 */
export async function startSambaAd(): Promise<SambaAd> {
  await requireTools();
  if (await portAnswers(636)) {
    throw new Error(
      'port 636 is already in use: another Samba DC or LDAPS server is running on this machine. ' +
        'Samba cannot move its LDAP ports, so only one test DC can run at a time (run AD test files with --test-concurrency=1).',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'sspr-samba-ad-'));
  const conf = join(dir, 'etc', 'smb.conf');
  const sambaTool = toolFor(dir);
  let child: ChildProcess | undefined;
  let output = '';
  try {
    const template = process.env.SSPR_SAMBA_AD_TEMPLATE;
    if (template) await copyDomain(await domainTemplate(template), dir);
    else await provisionDomain(dir);

    const launch = (): ChildProcess => {
      const launched = spawn(
        'samba',
        ['-s', conf, '-F', '--debug-stdout', '-d1', '-M', 'single', '--maximum-runtime=5400'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      launched.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      launched.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return launched;
    };
    child = launch();
    const caFile = join(dir, 'private', 'tls', 'ca.pem');
    await waitForLdaps(child, caFile, () => output);

    let started = child;
    const ad: SambaAd = {
      ldapsUrl: 'ldaps://127.0.0.1:636',
      ldapUrl: 'ldap://127.0.0.1:389',
      caFile,
      tlsServerName: `DC1.${REALM.toLowerCase()}`,
      baseDn: BASE_DN,
      peopleOu: PEOPLE_OU,
      service: { dn: `CN=svc-sspr,CN=Users,${BASE_DN}`, upn: `svc-sspr@${REALM.toLowerCase()}`, password: SERVICE_PASSWORD },
      admin: { upn: `Administrator@${REALM.toLowerCase()}`, password: ADMIN_PASSWORD },
      addUser: (name, password, options = {}) => withAdmin(caFile, (client) => addUser(client, name, password, options)),
      adminModify: (dn, changes) =>
        withAdmin(caFile, (client) =>
          client.modify(
            dn,
            changes.map((c) => new Change({ operation: c.op, modification: new Attribute({ type: c.attribute, values: c.values }) })),
          ),
        ),
      sambaTool,
      output: () => output,
      restart: async () => {
        await stopProcess(started);
        if (await portAnswers(636)) throw new Error('port 636 still answers after samba stopped');
        started = launch();
        await waitForLdaps(started, caFile, () => output);
      },
      stop: async () => {
        await stopProcess(started);
        await rm(dir, { recursive: true, force: true });
      },
    };
    return ad;
  } catch (error) {
    if (child !== undefined) await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Samba AD did not start: ${(error as Error).message}\n${output.slice(-2000)}`, { cause: error });
  }
}

async function requireTools(): Promise<void> {
  for (const tool of ['samba-tool', 'samba']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      throw new Error(
        `${tool} is missing: apt-get install -y --no-install-recommends samba-ad-dc samba-ad-provision ldap-utils`,
      );
    }
  }
}

/** `samba-tool ARGS -H DIR/private/sam.ldb -s DIR/etc/smb.conf`, resolving to stdout. */
function toolFor(dir: string): (...args: string[]) => Promise<string> {
  return async (...args) => {
    const { stdout } = await run('samba-tool', [...args, '-H', join(dir, 'private', 'sam.ldb'), '-s', join(dir, 'etc', 'smb.conf')], {
      timeout: 60_000,
    });
    return stdout;
  };
}

/** Provisions the domain into `dir` and sets it up as the header describes (password policy, service account, OU=People, ACEs). */
async function provisionDomain(dir: string): Promise<void> {
  const sambaTool = toolFor(dir);
  await provision(dir);
  await sambaTool(
    'domain', 'passwordsettings', 'set', '--complexity=on', '--min-pwd-length=8', '--history-length=3',
    '--min-pwd-age=0', '--max-pwd-age=0', '--account-lockout-threshold=3',
  );
  await sambaTool('user', 'create', 'svc-sspr', SERVICE_PASSWORD, '--description=sspr writeback (delegated, not admin)');
  const serviceSid = /^objectSid: (S-[\d-]+)$/m.exec(await sambaTool('user', 'show', 'svc-sspr'))?.[1];
  if (serviceSid === undefined) throw new Error('could not read the service account SID');
  await sambaTool('ou', 'create', PEOPLE_OU);
  const sddl = DELEGATED_RIGHTS.map((right) => `(OA;CIIO;${right};${USER_CLASS_GUID};${serviceSid})`).join('');
  await sambaTool('dsacl', 'set', `--objectdn=${PEOPLE_OU}`, `--sddl=${sddl}`);
  await writeFile(join(dir, PROVISIONED_IN), dir);
}

/** Names the folder a domain was provisioned in: etc/smb.conf holds that path (nothing else in the folder does). */
const PROVISIONED_IN = 'provisioned-in';

/**
 * The folder `template` holding a domain set up by provisionDomain, provisioned on first use (into a folder of
 * its own, then renamed, so a half-made template is never used). Never started: each DC runs on a copy.
 */
async function domainTemplate(template: string): Promise<string> {
  try {
    await readFile(join(template, PROVISIONED_IN));
    return template;
  } catch {
    // not made yet
  }
  await mkdir(dirname(template), { recursive: true });
  const staging = await mkdtemp(`${template}-staging-`);
  try {
    await provisionDomain(staging);
    await rename(staging, template);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another run made it meanwhile (the rename onto a non-empty folder fails): use that one.
    if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (error as NodeJS.ErrnoException).code === 'EEXIST') return template;
    throw error;
  }
  return template;
}

/** Copies the template's domain into `dir` (an empty folder) and points its smb.conf at `dir`. */
async function copyDomain(template: string, dir: string): Promise<void> {
  await cp(template, dir, { recursive: true, preserveTimestamps: true });
  const origin = await readFile(join(template, PROVISIONED_IN), 'utf8');
  const conf = join(dir, 'etc', 'smb.conf');
  await writeFile(conf, (await readFile(conf, 'utf8')).replaceAll(origin, dir));
  await writeFile(join(dir, PROVISIONED_IN), dir);
}

async function provision(dir: string): Promise<void> {
  await mkdir(join(dir, 'run'), { recursive: true });
  const emptyConf = join(dir, 'empty.conf');
  await writeFile(emptyConf, ''); // otherwise Debian's /etc/samba/smb.conf leaks into the provision
  const option = (text: string) => `--option=${text}`;
  await run(
    'samba-tool',
    [
      'domain', 'provision', '-s', emptyConf, `--targetdir=${dir}`, `--realm=${REALM}`, '--domain=EXAMPLE',
      '--server-role=dc', '--dns-backend=NONE', '--host-name=dc1', '--host-ip=127.0.0.1', `--adminpass=${ADMIN_PASSWORD}`,
      option('interfaces=lo'), option('bind interfaces only=yes'), option('server services=ldap, cldap, kdc'),
      option(`pid directory=${dir}/run`), option(`ncalrpc dir=${dir}/run/ncalrpc`),
      option(`winbindd socket directory=${dir}/run/winbindd`), option(`ntp signd socket directory=${dir}/run/ntp_signd`),
      option(`log file=${dir}/log.%m`),
    ],
    { timeout: 120_000 },
  );
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/** Waits until an LDAPS rootDSE read succeeds with the DC's CA (the TLS key is generated on first start). */
async function waitForLdaps(child: ChildProcess, caFile: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`samba exited early (${child.exitCode})`);
    try {
      const ca = await readFile(caFile);
      const client = new Client({ url: 'ldaps://127.0.0.1:636', connectTimeout: 1000, tlsOptions: { ca, servername: `DC1.${REALM.toLowerCase()}` } });
      try {
        await client.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
        return;
      } finally {
        await client.unbind().catch(() => undefined);
      }
    } catch {
      // not yet: CA not written or not listening
    }
    if (Date.now() > deadline) throw new Error(`LDAPS 636 did not answer within 30 s\n${output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function withAdmin<T>(caFile: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: 'ldaps://127.0.0.1:636', tlsOptions: { ca: await readFile(caFile), servername: `DC1.${REALM.toLowerCase()}` } });
  try {
    await client.bind(`Administrator@${REALM.toLowerCase()}`, ADMIN_PASSWORD);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function addUser(client: Client, name: string, password: string, options: AddUserOptions): Promise<string> {
  const dn = `CN=${name},${options.ou ?? PEOPLE_OU}`;
  const attributes: Record<string, string[]> = {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    sAMAccountName: [name],
    userPrincipalName: [`${name}@${REALM.toLowerCase()}`],
    displayName: [[options.givenName, options.surname].filter(Boolean).join(' ') || name],
    userAccountControl: ['512'], // NORMAL_ACCOUNT, enabled
  };
  if (options.givenName !== undefined) attributes.givenName = [options.givenName];
  if (options.surname !== undefined) attributes.sn = [options.surname];
  if (options.mail !== undefined) attributes.mail = [options.mail];
  if (options.mobile !== undefined) attributes.mobile = [options.mobile];
  await client.add(dn, [
    ...Object.entries(attributes).map(([type, values]) => new Attribute({ type, values })),
    new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }),
  ]);
  return dn;
}

/** SIGTERM by PID, then SIGKILL after 5 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
