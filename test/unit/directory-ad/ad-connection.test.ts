import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adConnectionOptions, adPoolOptions } from '../../../src/directory/ad/ad-connection.js';
import { parseAdConfig } from '../../../src/directory/ad/ad-config.js';
import { tlsOptionsFor } from '../../../src/directory/ldap-common/ldap-pool.js';

const base = { bindPassword: 'secret', baseDn: 'DC=example,DC=test' };

describe('AD connection options (shared ldap-common pool)', () => {
  it('maps url, StartTLS, CA, server name, timeout, pool size and the service bind name', () => {
    const config = parseAdConfig({
      ...base,
      url: 'ldap://127.0.0.1:389',
      startTls: true,
      bindUpn: 'svc@example.test',
      caFile: '/etc/ca.pem',
      tlsServerName: 'dc1.example.test',
      timeoutMs: 1234,
      poolSize: 3,
    });
    assert.deepEqual(adPoolOptions(config), {
      url: 'ldap://127.0.0.1:389',
      startTls: true,
      caFile: '/etc/ca.pem',
      tlsServerName: 'dc1.example.test',
      timeoutMs: 1234,
      bindDn: 'svc@example.test',
      bindPassword: 'secret',
      size: 3,
    });
    const byDn = parseAdConfig({ ...base, url: 'ldaps://dc1.example.test', bindDn: 'CN=svc,DC=example,DC=test' });
    assert.equal(adPoolOptions(byDn).bindDn, 'CN=svc,DC=example,DC=test');
    assert.equal(adPoolOptions(byDn).size, 2);
  });

  it('the certificate is checked against tlsServerName, else the URL host', () => {
    const byIp = parseAdConfig({ ...base, url: 'ldaps://127.0.0.1:636', bindUpn: 'svc@example.test', tlsServerName: 'DC1.example.test' });
    const tls = tlsOptionsFor(adConnectionOptions(byIp));
    assert.equal(tls.servername, 'DC1.example.test');
    assert.equal(tls.host, '127.0.0.1');
    assert.equal(tls.rejectUnauthorized, true);
    const byName = parseAdConfig({ ...base, url: 'ldaps://dc1.example.test', bindUpn: 'svc@example.test' });
    assert.equal(tlsOptionsFor(adConnectionOptions(byName)).servername, 'dc1.example.test');
  });
});
