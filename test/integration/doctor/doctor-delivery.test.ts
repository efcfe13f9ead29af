/** `method-data-valid` sees a bounce: a real SMTP server refusing the recipient (550) fails the check and counts. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpSink } from '../../support/smtp-sink.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { expectCheck, request } from './doctor-support.js';

describe('doctor: a mail server refusing the address', () => {
  let smtp: SmtpSink;
  let svc: TestService;

  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url });
    await svc.services.users.add({ username: 'bounce', email: 'bounce@example.org' });
    await svc.services.users.add({ username: 'fine', email: 'fine@example.org' });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  const sendCode = async (username: string) => {
    const flow = svc.services.resetFlow;
    const started = await flow.start(username, request);
    const method = started.methods.find((m) => m.type === 'email');
    assert.ok(method, 'no e-mail method offered');
    await flow.send(started.flowId, method.id, request);
    await svc.services.delivery.drain();
  };

  it('fails method-data-valid for that user with the server\'s answer, and counts in the service summary', async () => {
    await sendCode('fine');
    await expectCheck(svc.services, 'fine', 'method-data-valid', 'pass');
    smtp.refuse('bounce@example.org');
    await sendCode('bounce');
    const report = await expectCheck(svc.services, 'bounce', 'method-data-valid', 'fail');
    const check = report.checks.find((c) => c.id === 'method-data-valid');
    assert.match(check?.evidence ?? '', /550/, 'the evidence carries the mail server\'s answer');
    await expectCheck(svc.services, 'fine', 'method-data-valid', 'pass');

    const service = await svc.services.doctor.diagnoseService('en');
    assert.equal(service.summary?.checks.find((c) => c.id === 'method-data-valid')?.failing, 1);
    const delivery = service.checks.find((c) => c.id === 'method-data-valid');
    assert.equal(delivery?.status, 'warn', JSON.stringify(delivery));
    assert.match(delivery?.summary ?? '', /1/);
  });
});
