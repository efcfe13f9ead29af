import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { noticeRecipients } from '../../../src/integrity/notice-recipients.js';

const email = (address: string) => ({ type: 'email', data: { address } });
const sms = (phone: string) => ({ type: 'sms', data: { phone } });

describe('noticeRecipients: never only the mailbox the password opens', () => {
  it('the directory mailbox alone: the phones hear of it too', () => {
    assert.deepEqual(noticeRecipients({ email: 'a@corp.example', mobile: '+4915112345671', registrations: [sms('+4915112345672')] }), {
      emails: ['a@corp.example'],
      phones: ['+4915112345671', '+4915112345672'],
    });
  });
  it('a registered address outside the directory mailbox is the second channel: no SMS', () => {
    assert.deepEqual(noticeRecipients({ email: 'a@corp.example', mobile: '+4915112345671', registrations: [email('a@home.example')] }), {
      emails: ['a@corp.example', 'a@home.example'],
      phones: [],
    });
  });
  it('the same address twice (any case) is one recipient; the directory address registered again is not a second channel', () => {
    assert.deepEqual(noticeRecipients({ email: 'A@corp.example', mobile: null, registrations: [email('a@CORP.example'), sms('+4915112345671')] }), {
      emails: ['A@corp.example'],
      phones: ['+4915112345671'],
    });
  });
  it('a removed address hears of its removal', () => {
    assert.deepEqual(noticeRecipients({ email: null, mobile: null, registrations: [] }, { email: 'old@home.example' }).emails, ['old@home.example']);
  });
  it('no contact at all: nobody', () => {
    assert.deepEqual(noticeRecipients({ email: null, mobile: null, registrations: [{ type: 'totp', data: {} }] }), { emails: [], phones: [] });
  });
});
