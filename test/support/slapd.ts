/**
 * A throw-away OpenLDAP 2.5 server with the ppolicy overlay, for integration tests (layout and behaviour as
 * below). Each call starts its own slapd in a temporary folder on free ports,
 * with a self-signed certificate (SAN localhost / 127.0.0.1), and stops it by PID.
 *
 * Directory content: base dc=example,dc=org; ou=policies with cn=default (pwdMinLength 8, pwdCheckQuality 2,
 * pwdInHistory 3, pwdLockout TRUE, pwdMaxFailure 3); ou=users; cn=sspr-service, an ordinary entry (not the root
 * DN, which bypasses ppolicy) allowed to write userPassword, pwdReset and pwdAccountLockedTime, and to read
 * everything without size limits (paged searches of any length, as a large sync needs).
 * `extraLdif` loads further entries offline (slapadd -q) before slapd starts: the fast way to a big directory.
 *
 * Needs the Debian packages `slapd` and `ldap-utils` (slapadd) and `openssl`; fails loudly when missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { freePort } from './processes.js';

const SLAPD_APT_PACKAGES = ['slapd', 'ldap-utils', 'openssl'] as const;

const BASE_DN = 'dc=example,dc=org';
const ROOT_DN = `cn=admin,${BASE_DN}`;
const SERVICE_DN = `cn=sspr-service,${BASE_DN}`;
const POLICY_DN = `cn=default,ou=policies,${BASE_DN}`;
const USERS_DN = `ou=users,${BASE_DN}`;

export interface SlapdUser {
  uid: string;
  password: string;
  givenName?: string;
  sn?: string;
  mail?: string;
  mobile?: string;
}

export interface Slapd {
  /** ldap://127.0.0.1:PORT (use with StartTLS). */
  ldapUrl: string;
  /** ldaps://127.0.0.1:PORT, certificate for localhost / 127.0.0.1 signed by `caFile`. */
  ldapsUrl: string;
  caFile: string;
  /** A CA file that did NOT sign the server certificate (for "untrusted certificate" tests). */
  unrelatedCaFile: string;
  baseDn: string;
  usersDn: string;
  policyDn: string;
  serviceDn: string;
  servicePassword: string;
  /** Adds an inetOrgPerson under ou=users as the root DN (no policy check); returns its DN. */
  addUser(user: SlapdUser): Promise<string>;
  /** Replaces attributes of an entry as the root DN (e.g. pwdMinAge on the policy). */
  modifyAsRoot(dn: string, values: Record<string, string | null>): Promise<void>;
  /** Adds any entry (groups, OUs, users elsewhere than ou=users) as the root DN. */
  addEntry(dn: string, attributes: Record<string, string | string[]>): Promise<void>;
  /** Deletes an entry as the root DN. */
  deleteEntry(dn: string): Promise<void>;
  /** Runs `work` on a client bound as the root DN (no access checks, no password policy). */
  asRoot<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /** Stops and starts slapd on the same ports and data: every open connection is dropped. */
  restart(): Promise<void>;
  /** Sends a signal to slapd (SIGSTOP / SIGCONT to freeze it mid-operation, SIGKILL to crash it). */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

function findBinary(name: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function requireBinaries(): { slapd: string; slapadd: string; openssl: string } {
  const slapd = findBinary('slapd');
  const slapadd = findBinary('slapadd');
  const openssl = findBinary('openssl');
  if (!slapd || !slapadd || !openssl || !existsSync('/usr/lib/ldap/ppolicy.so')) {
    throw new Error(
      'OpenLDAP is required by this test but slapd/slapadd/openssl or the ppolicy module is missing. Install it with: ' +
        `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${SLAPD_APT_PACKAGES.join(' ')}`,
    );
  }
  return { slapd, slapadd, openssl };
}

function run(command: string, args: string[], timeoutMs = 20_000): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  }
}

function selfSignedCertificate(openssl: string, dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  run(openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', key, '-out', cert,
  ]);
  return { cert, key };
}

function configLdif(dir: string, cert: string, key: string, rootPassword: string): string {
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid
olcTLSCertificateFile: ${cert}
olcTLSCertificateKeyFile: ${key}

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/nis.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${BASE_DN}
olcRootDN: ${ROOT_DN}
olcRootPW: ${rootPassword}
olcDbDirectory: ${dir}/data
olcDbMaxSize: 1073741824
olcDbIndex: objectClass eq
olcDbIndex: uid eq
olcLimits: dn.exact="${SERVICE_DN}" size.soft=unlimited size.hard=unlimited size.prtotal=unlimited
olcAccess: to attrs=userPassword by dn.exact="${SERVICE_DN}" write by self write by anonymous auth by * none
olcAccess: to attrs=pwdReset,pwdAccountLockedTime,pwdFailureTime by dn.exact="${SERVICE_DN}" manage by * read
olcAccess: to * by dn.exact="${SERVICE_DN}" read by self read by users read by * none

dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {0}ppolicy
olcPPolicyDefault: ${POLICY_DN}
olcPPolicyHashCleartext: TRUE
olcPPolicyUseLockout: TRUE
`;
}

function dataLdif(servicePassword: string): string {
  return `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=policies,${BASE_DN}
objectClass: organizationalUnit
ou: policies

dn: ${POLICY_DN}
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdMinLength: 8
pwdCheckQuality: 2
pwdInHistory: 3
pwdLockout: TRUE
pwdMaxFailure: 3

dn: ${USERS_DN}
objectClass: organizationalUnit
ou: users

dn: ${SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: sspr-service
userPassword: ${servicePassword}
`;
}

/** Tries to start slapd this many times, each on newly chosen ports. */
const PORT_ATTEMPTS = 3;

/**
 * Polls `probe` every 50 ms until it answers true while slapd still runs; throws when slapd exits, or after
 * `timeoutMs` naming `what` it waited for.
 */
async function waitUntil(child: ChildProcess, output: () => string, what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited early (${child.exitCode}):\n${output()}`);
    if ((await probe()) && child.exitCode === null) return;
    if (Date.now() > deadline) throw new Error(`slapd not ${what} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether something accepts TCP connections on the port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface SlapdOptions {
  /** An LDIF file of entries under dc=example,dc=org (not repeating the base, ou=users, ou=policies or the service). */
  extraLdif?: string;
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const bin = requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'sspr-slapd-'));
  for (const sub of ['slapd.d', 'data', 'certs']) mkdirSync(join(dir, sub));
  const rootPassword = `root-${Math.random().toString(36).slice(2)}`;
  const servicePassword = `service-${Math.random().toString(36).slice(2)}`;
  const server = selfSignedCertificate(bin.openssl, join(dir, 'certs'), 'server');
  const unrelated = selfSignedCertificate(bin.openssl, join(dir, 'certs'), 'unrelated');
  writeFileSync(join(dir, 'config.ldif'), configLdif(dir, server.cert, server.key, rootPassword));
  writeFileSync(join(dir, 'data.ldif'), dataLdif(servicePassword));
  run(bin.slapadd, ['-n0', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'config.ldif')]);
  run(bin.slapadd, ['-n1', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'data.ldif')]);
  if (options.extraLdif) run(bin.slapadd, ['-q', '-n1', '-F', join(dir, 'slapd.d'), '-l', options.extraLdif], 30 * 60_000);

  let ldapPort = 0;
  let ldapsPort = 0;
  let ldapUrl = '';
  let ldapsUrl = '';
  /** Two different ports free now (another process may still take one before slapd binds it: see `start`). */
  const choosePorts = async (): Promise<void> => {
    ldapPort = await freePort();
    do ldapsPort = await freePort();
    while (ldapsPort === ldapPort);
    ldapUrl = `ldap://127.0.0.1:${ldapPort}`;
    ldapsUrl = `ldaps://127.0.0.1:${ldapsPort}`;
  };
  let output = '';
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    // -d 0 keeps slapd in the foreground, so the child's PID is slapd's own.
    child = spawn(bin.slapd, ['-F', join(dir, 'slapd.d'), '-d', '0', '-h', `${ldapUrl}/ ${ldapsUrl}/`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(child, () => output, `listening on ${ldapPort}`, () => portOpen(ldapPort));
    await waitUntil(child, () => output, `listening on ${ldapsPort}`, () => portOpen(ldapsPort));
    // Something answers on both ports; a bind with this instance's root password proves it is this slapd, which
    // has bound every listener before it serves (one that lost a port to another process exits instead).
    await waitUntil(child, () => output, `accepting its root bind on ${ldapUrl}`, () => asRoot(async () => true).catch(() => false));
  };
  const terminate = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  // A test runner that dies without calling stop() must not leave slapd behind.
  const killOnExit = (): void => void (child.exitCode === null && child.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await terminate();
    rmSync(dir, { recursive: true, force: true });
  };
  /** Launches on fresh ports, again on others when a port was taken between choosing it and slapd binding it. */
  const start = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      await choosePorts();
      output = '';
      try {
        await launch();
        return;
      } catch (error) {
        await terminate();
        if (attempt === PORT_ATTEMPTS) throw error;
      }
    }
  };
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }

  async function asRoot<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ url: ldapUrl, timeout: 5_000 });
    try {
      await client.bind(ROOT_DN, rootPassword);
      return await work(client);
    } finally {
      await client.unbind();
    }
  }

  return {
    ldapUrl,
    ldapsUrl,
    caFile: server.cert,
    unrelatedCaFile: unrelated.cert,
    baseDn: BASE_DN,
    usersDn: USERS_DN,
    policyDn: POLICY_DN,
    serviceDn: SERVICE_DN,
    servicePassword,
    addUser: (user) =>
      asRoot(async (client) => {
        const dn = `uid=${user.uid},${USERS_DN}`;
        const attributes: Record<string, string | string[]> = {
          objectClass: ['inetOrgPerson'],
          uid: user.uid,
          cn: `${user.givenName ?? user.uid} ${user.sn ?? 'Test'}`,
          sn: user.sn ?? 'Test',
          userPassword: user.password,
        };
        if (user.givenName) attributes.givenName = user.givenName;
        if (user.mail) attributes.mail = user.mail;
        if (user.mobile) attributes.mobile = user.mobile;
        await client.add(dn, attributes);
        return dn;
      }),
    modifyAsRoot: (dn, values) =>
      asRoot(async (client) => {
        const changes = Object.entries(values).map(([type, value]) =>
          value === null
            ? new Change({ operation: 'delete', modification: new Attribute({ type }) })
            : new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }),
        );
        await client.modify(dn, changes);
      }),
    signal: (signal) => void child.kill(signal),
    addEntry: (dn, attributes) => asRoot((client) => client.add(dn, attributes)),
    deleteEntry: (dn) => asRoot((client) => client.del(dn)),
    asRoot,
    restart: async () => {
      await terminate();
      await launch();
    },
    stop,
  };
}

/** The `directory` config section for this slapd over LDAPS as the service account (server or agent). */
export function ldapsDirectory(slapd: Slapd): Record<string, unknown> {
  return { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn };
}
