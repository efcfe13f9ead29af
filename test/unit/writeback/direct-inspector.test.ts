import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectInspector, PROBE_REUSE_MS } from '../../../src/writeback/direct-inspector.js';
import type { DirectoryProbe, OnPremDirectory } from '../../../src/directory/onprem/onprem-directory.js';

const healthy: DirectoryProbe = { reachable: true, encrypted: true, serviceBindOk: true, supportedControls: [], supportedExtensions: [], latencyMs: 1 };

/** A directory whose probes are counted and answer what `next` holds at the time. */
function probingDirectory() {
  const state = { probes: 0, next: healthy };
  const directory = { kind: 'ldap', probe: async () => (state.probes++, { ...state.next }) } as unknown as OnPremDirectory;
  return { directory, state };
}

test('diagnoses within the reuse window share one probe, in flight or settled; after it the directory is probed again', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const { directory, state } = probingDirectory();
  const inspector = new DirectInspector(directory);
  const [first, second] = await Promise.all([inspector.probe(), inspector.probe()]);
  assert.equal(state.probes, 1);
  assert.deepEqual(first, second);
  t.mock.timers.tick(PROBE_REUSE_MS - 1);
  await inspector.probe();
  assert.equal(state.probes, 1);
  t.mock.timers.tick(1);
  await inspector.probe();
  assert.equal(state.probes, 2);
});

test('a probe that found a fault is not reused: the next call looks again and sees the recovery', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const { directory, state } = probingDirectory();
  const inspector = new DirectInspector(directory);
  state.next = { ...healthy, serviceBindOk: false, error: { reason: 'invalid-credentials', raw: '49' } };
  assert.equal((await inspector.probe()).serviceBindOk, false);
  state.next = healthy;
  assert.equal((await inspector.probe()).serviceBindOk, true);
  assert.equal(state.probes, 2);
});

test('a clock set back does not stretch the reuse window', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const { directory, state } = probingDirectory();
  const inspector = new DirectInspector(directory);
  await inspector.probe();
  t.mock.timers.setTime(1_000_000 - 60_000);
  await inspector.probe();
  assert.equal(state.probes, 2);
});
