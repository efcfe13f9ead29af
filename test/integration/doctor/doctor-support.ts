import assert from 'node:assert/strict';
import type { Services } from '../../../src/app/services.js';
import type { CheckId, CheckStatus, DoctorReport } from '../../../src/doctor/doctor-types.js';

export const request = { lang: 'en' as const, ip: '127.0.0.1', userAgent: 'doctor-test' };

export function statusOf(report: DoctorReport, id: CheckId): CheckStatus {
  const check = report.checks.find((c) => c.id === id);
  assert.ok(check, `no check ${id}`);
  return check.status;
}

/** Runs the doctor for `username` and asserts the status of `id`; returns the report. */
export async function expectCheck(services: Services, username: string, id: CheckId, expected: CheckStatus): Promise<DoctorReport> {
  const report = await services.doctor.diagnoseUser(username, 'en');
  const check = report.checks.find((c) => c.id === id);
  assert.equal(check?.status, expected, `${id} for ${username}: ${JSON.stringify(check)}`);
  if (expected === 'fail') {
    assert.equal(report.canReset, false);
    assert.ok(check?.fix, `${id} fails without a fix`);
  }
  return report;
}

/** A full self-service reset through the flow with the e-mail code from the demo outbox. */
export async function resetThroughFlow(services: Services, username: string, password: string): Promise<void> {
  const flow = services.resetFlow;
  const started = await flow.start(username, request);
  const method = started.methods.find((m) => m.type === 'email');
  assert.ok(method, 'no e-mail method offered');
  await flow.send(started.flowId, method.id, request);
  await services.delivery.drain();
  const mail = services.outbox?.list()[0];
  const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1];
  assert.ok(code, 'no code in the outbox');
  await flow.verify(started.flowId, method.id, { code }, request);
  await flow.setPassword(started.flowId, password, request);
}
