import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentConfigError, loadAgentConfig } from '../../../src/agent/agent-config.js';

const env = {
  SSPR_AGENT_SERVER: 'https://sspr.example.test',
  SSPR_AGENT_DIRECTORY: JSON.stringify({ kind: 'ldap', url: 'ldaps://ldap.example.test', bindDn: 'cn=svc,dc=example,dc=test', baseDn: 'dc=example,dc=test', bindPassword: 'x' }),
};

describe('agent config: announced envelope versions', () => {
  it('defaults to every version (unset), pins a list, or announces none (empty)', () => {
    assert.equal(loadAgentConfig(undefined, env).envelopes, undefined);
    assert.deepEqual(loadAgentConfig(undefined, { ...env, SSPR_AGENT_ENVELOPES: '2' }).envelopes, [2]);
    assert.deepEqual(loadAgentConfig(undefined, { ...env, SSPR_AGENT_ENVELOPES: ' 3, 2 ' }).envelopes, [3, 2]);
    assert.deepEqual(loadAgentConfig(undefined, { ...env, SSPR_AGENT_ENVELOPES: '' }).envelopes, []);
  });

  it('refuses versions this agent cannot open, with the path', () => {
    for (const value of ['1', '4', 'three', '3,3,3']) {
      assert.throws(() => loadAgentConfig(undefined, { ...env, SSPR_AGENT_ENVELOPES: value }), (error: unknown) => error instanceof AgentConfigError && /envelopes/.test(error.message), value);
    }
  });

  it('announces every optional feature by default, or the ones named (SSPR_AGENT_FEATURES), refusing unknown names', () => {
    assert.equal(loadAgentConfig(undefined, env).features, undefined);
    assert.deepEqual(loadAgentConfig(undefined, { ...env, SSPR_AGENT_FEATURES: 'password-facts' }).features, ['password-facts']);
    assert.deepEqual(loadAgentConfig(undefined, { ...env, SSPR_AGENT_FEATURES: '' }).features, []);
    assert.throws(() => loadAgentConfig(undefined, { ...env, SSPR_AGENT_FEATURES: 'must-change,teleport' }), (error: unknown) => error instanceof AgentConfigError && /features/.test(error.message));
  });
});
