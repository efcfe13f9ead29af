/**
 * A throw-away OpenLDAP for the sync tests. test/support/slapd.ts keeps its root DN to itself and offers no way to
 * add groups or delete entries, so this starts a plain slapd (no ppolicy: sync does not need it) the same way
 * (/work/shared/reference/test-servers.md) and hands out a root client. Stopped by PID.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort } from '../../support/processes.js';

export const BASE_DN = 'dc=example,dc=org';
const ROOT_DN = `cn=admin,${BASE_DN}`;
const SERVICE_DN = `cn=sync-service,${BASE_DN}`;

export interface SyncSlapd {
  ldapsUrl: string;
  caFile: string;
  serviceDn: string;
  servicePassword: string;
  /** Runs `work` on a client bound as the root DN (adds, modifies, deletes without access checks). */
  asRoot<T>(work: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

function run(command: string, args: string[], timeoutMs = 20_000): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
}

async function waitForPort(port: number, deadline = Date.now() + 10_000): Promise<void> {
  while (!(await new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  }))) {
    if (Date.now() > deadline) throw new Error(`slapd not listening on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface SyncSlapdOptions {
  /**
   * An LDIF file of further entries under BASE_DN, loaded offline with `slapadd -q` after the base entry and the
   * service account (which it must not repeat): the fast way to a large directory (bench/sync-100k.ts).
   */
  extraLdif?: string;
}

export async function startSyncSlapd(options: SyncSlapdOptions = {}): Promise<SyncSlapd> {
  const dir = mkdtempSync(join(tmpdir(), 'sspr-sync-slapd-'));
  for (const sub of ['slapd.d', 'data']) mkdirSync(join(dir, sub));
  const rootPassword = `root-${Math.random().toString(36).slice(2)}`;
  const servicePassword = `service-${Math.random().toString(36).slice(2)}`;
  const [cert, key] = [join(dir, 'server.crt'), join(dir, 'server.key')];
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert]);
  const schemas = ['core', 'cosine', 'nis', 'inetorgperson'].map((name) => `include: file:///etc/ldap/schema/${name}.ldif\n`);
  writeFileSync(join(dir, 'config.ldif'), `dn: cn=config
objectClass: olcGlobal
cn: config
olcTLSCertificateFile: ${cert}
olcTLSCertificateKeyFile: ${key}

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${schemas.join('\n')}
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
olcLimits: dn.exact="${SERVICE_DN}" size.soft=unlimited size.hard=unlimited size.prtotal=unlimited
olcAccess: to * by dn.exact="${SERVICE_DN}" read by anonymous auth by * none
`);
  writeFileSync(join(dir, 'data.ldif'), `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ${SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: sync-service
userPassword: ${servicePassword}
`);
  run('slapadd', ['-n0', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'config.ldif')]);
  run('slapadd', ['-n1', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'data.ldif')]);
  if (options.extraLdif) run('slapadd', ['-q', '-n1', '-F', join(dir, 'slapd.d'), '-l', options.extraLdif], 30 * 60_000);
  const port = await freePort();
  const ldapsUrl = `ldaps://127.0.0.1:${port}`;
  const child = spawn('slapd', ['-F', join(dir, 'slapd.d'), '-d', '0', '-h', `${ldapsUrl}/`], { stdio: 'ignore' });
  const killOnExit = (): void => void (child.exitCode === null && child.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ldapsUrl,
    caFile: cert,
    serviceDn: SERVICE_DN,
    servicePassword,
    async asRoot(work) {
      const client = new Client({ url: ldapsUrl, tlsOptions: { ca: readFileSync(cert), servername: 'localhost' } });
      return withClient(client, rootPassword, work);
    },
    stop,
  };
}

async function withClient<T>(client: Client, rootPassword: string, work: (client: Client) => Promise<T>): Promise<T> {
  try {
    await client.bind(ROOT_DN, rootPassword);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
