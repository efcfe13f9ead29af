import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { errorCatalogue, type ErrorCode } from '../../src/errors/catalogue.js';
import { SsprError, toSsprError } from '../../src/errors/sspr-error.js';
import { languages, type Lang } from '../../src/i18n/lang.js';
import { argumentsOf, checkAgainst, languagesIn, MessageFileError, readLanguage, shippedMessagesRoot, type Argument } from '../../src/i18n/message-files.js';
import { MessageCatalogue, message, messages } from '../../src/i18n/messages.js';
import { renderHint } from '../../src/methods/hints.js';
import { REASON_CODES, formatReason } from '../../src/password-policy/messages.js';
import { parseBody } from '../../src/web/api/validate.js';
import { t, uiTextKeys } from '../../src/web/pages/ui-text.js';
import { messageParamsSource, paramsModulePath } from '../../scripts/message-params.js';
import { messageGaps } from '../../scripts/messages-missing.js';
import { isPluralElement, isSelectElement, type MessageFormatElement, type PluralElement } from '@formatjs/icu-messageformat-parser';
import { adminResetNoticeMail, codeMail } from '../../src/mail/templates.js';
import { freezeAlertMail, noticeMail, noticeSms } from '../../src/integrity/integrity-mail.js';
import { expiryMail, managerSummaryMail } from '../../src/reminders/reminder-texts.js';
import { layout } from '../../src/web/pages/layout.js';
import { html } from '../../src/web/html.js';
import { auditEventNames } from '../../src/audit/audit-events.js';
import { auditEventLabel } from '../../src/audit/audit-labels.js';
import { PREDEFINED_QUESTIONS } from '../../src/methods/questions/question-catalogue.js';

const root = shippedMessagesRoot();

/** A throwaway message root: `files` maps `<lang>/<domain>.json` to its messages. */
function messageRoot(files: Record<string, Record<string, unknown> | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sspr-messages-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('message files', () => {
  it('every shipped language is a folder, and every folder a listed language', () => {
    assert.deepEqual(languagesIn(root), [...languages].sort());
  });

  it('every language has every English key with the same placeholders', () => {
    const english = readLanguage(join(root, 'en'));
    for (const lang of languages) {
      const set = readLanguage(join(root, lang));
      assert.deepEqual([...set.keys()].sort(), [...english.keys()].sort(), `${lang} has exactly the English keys`);
      for (const [key, m] of set) {
        assert.deepEqual([...m.args.keys()].sort(), [...(english.get(key)?.args.keys() ?? [])].sort(), `${lang} ${key}`);
      }
      if (lang !== 'en') for (const [key, m] of set) if (key.startsWith('errors.')) assert.notEqual(m.text, english.get(key)?.text, `${lang} ${key} is translated`);
    }
  });

  it('a missing key or a different placeholder in a translation fails the load, naming the file', () => {
    const missing = messageRoot({ 'en/a.json': { x: 'X {n}', y: 'Y' }, 'de/a.json': { x: 'X {n}' } });
    assert.throws(() => checkAgainst(readLanguage(join(missing, 'en')), readLanguage(join(missing, 'de')), { partial: false, where: join(missing, 'de') }),
      (e: unknown) => e instanceof MessageFileError && e.message.includes(join(missing, 'de')) && e.message.includes('a.y'));
    const renamed = messageRoot({ 'en/a.json': { x: 'X {n}' }, 'de/a.json': { x: 'X {m}' } });
    assert.throws(() => checkAgainst(readLanguage(join(renamed, 'en')), readLanguage(join(renamed, 'de')), { partial: false, where: '' }),
      (e: unknown) => e instanceof MessageFileError && e.message.startsWith(join(renamed, 'de', 'a.json')));
  });

  it('the generated params module matches the English files (run npm run messages after editing them)', () => {
    assert.equal(readFileSync(paramsModulePath, 'utf8'), messageParamsSource(root));
  });

  it('placeholders are typed from their use: plural is a number, select a code', () => {
    const args = argumentsOf(readLanguage(join(root, 'en')).get('errors.invalid-request')?.ast ?? []);
    assert.equal(args.get('problem')?.kind.kind, 'code');
    assert.equal(args.get('problem')?.optional, false);
    assert.equal(args.get('field')?.optional, true);
    assert.equal(argumentsOf(readLanguage(join(root, 'en')).get('errors.code-wrong')?.ast ?? []).get('remaining')?.kind.kind, 'number');
  });

  it('plurals follow the language', () => {
    assert.equal(message('en', 'errors.code-wrong', { remaining: 1 }), 'That code is not correct. 1 try left for this code.');
    assert.equal(message('de', 'errors.code-wrong', { remaining: 3 }), 'Dieser Code ist nicht korrekt. Noch 3 Versuche für diesen Code.');
  });
});

describe('operator overrides', () => {
  it('replace single messages and keep the rest', () => {
    const dir = messageRoot({ 'de/mail.json': { 'code.subject': '{organisation}: Ihr Code' } });
    const custom = messages.withOverrides(dir);
    assert.equal(custom.format('de', 'mail.code.subject', { organisation: 'ACME' }), 'ACME: Ihr Code');
    assert.equal(custom.format('en', 'mail.code.subject', { organisation: 'ACME' }), message('en', 'mail.code.subject', { organisation: 'ACME' }));
    assert.equal(message('de', 'mail.code.subject', { organisation: 'ACME' }), 'ACME: Ihr Bestätigungscode', 'the shipped catalogue is unchanged');
  });
  for (const [name, files, expected] of [
    ['a missing placeholder', { 'de/mail.json': { 'code.text': 'Ihr Code.' } }, /de\/mail\.json:1: "mail\.code\.text" has the placeholders/],
    ['an unknown placeholder', { 'en/mail.json': { 'code.subject': '{org}: code' } }, /en\/mail\.json:1: "mail\.code\.subject"/],
    ['an unknown key', { 'en/mail.json': { 'code.subjekt': 'x' } }, /en\/mail\.json:1: "mail\.code\.subjekt" is not a known message/],
    ['broken ICU', { 'en/mail.json': { 'code.subject': '{organisation' } }, /en\/mail\.json:1: "code\.subject" is not a valid ICU message/],
    ['broken JSON', { 'en/mail.json': '{"code.subject": ' }, /en\/mail\.json:1: not readable JSON/],
    ['an unsupported language', { 'xx/mail.json': {} }, /xx: "xx" is not a supported language/],
  ] as const) {
    it(`refuse ${name}, naming the file`, () => {
      assert.throws(() => messages.withOverrides(messageRoot(files)), (e: unknown) => e instanceof MessageFileError && expected.test(e.message));
    });
  }
  it('a shipped root with an unlisted language folder does not load', () => {
    const dir = messageRoot({ 'en/a.json': { x: 'X' }, 'de/a.json': { x: 'Y' }, 'xx/a.json': { x: 'Z' } });
    assert.throws(() => MessageCatalogue.load(dir), /xx are not in the languages list/);
  });
});

describe('message catalogues', () => {
  it('every error code has a status, and a sentence in every language', () => {
    for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
      const entry: { status: number } = errorCatalogue[code];
      assert.ok(entry.status >= 400 && entry.status < 600, code);
      for (const lang of languages) assert.ok(messages.has(`errors.${code}`) && messages.formatAny(lang, `errors.${code}`).length > 0, `${lang} ${code}`);
    }
  });
  it('every page text and every password reason exists in every language', () => {
    for (const lang of languages) {
      for (const key of uiTextKeys) assert.ok(messages.formatAny(lang, `pages.${key}`).length > 0, key);
      for (const code of REASON_CODES) assert.ok(messages.has(`password-policy.${code}`), code);
    }
    assert.equal(t('de', 'reset.method.required', { required: 1, count: 0 }), 'Sie müssen 1 Methode bestätigen. Bisher bestätigt: 0.');
    assert.match(formatReason('too-weak', 'de', { score: 1, required: 3, warning: null }), /^Dieses Kennwort ist zu leicht zu erraten\. Machen/);
  });
  it('every audit event of the catalogue has a label in every language, each its own name (the id stays the id)', () => {
    for (const lang of languages) {
      const labels = new Set<string>();
      for (const name of auditEventNames) {
        assert.ok(messages.has(`audit-events.${name}`), `${lang} ${name} has a label`);
        const label = auditEventLabel(lang, name) ?? '';
        assert.ok(label.length > 0 && label !== name, `${lang} ${name}`);
        labels.add(label);
      }
      assert.equal(labels.size, auditEventNames.length, `${lang}: no two events share a label`);
    }
    assert.equal(auditEventLabel('ja', 'console-step-up'), 'コンソールの追加認証');
    assert.equal(auditEventLabel('en', 'no-such-event'), undefined);
  });
  it('internal errors are not exposed; client errors are', () => {
    const internal = toSsprError(new Error('db password is hunter2'));
    assert.equal(internal.code, 'internal');
    assert.equal(internal.expose, false);
    assert.doesNotMatch(internal.messageIn('en'), /hunter2/);
    const wrong = new SsprError('code-wrong', { params: { remaining: 2 } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.reRender, true);
    assert.equal(wrong.messageIn('de'), 'Dieser Code ist nicht korrekt. Noch 2 Versuche für diesen Code.');
    assert.equal(new SsprError('flow-invalid').reRender, false);
  });
  it('an operator detail stays out of the sentence a person reads', () => {
    const error = new SsprError('invalid-request', { params: { problem: 'other' }, detail: 'give exactly one of --user or --group' });
    assert.equal(error.messageIn('de'), 'Die Anfrage ist ungültig.');
    assert.equal(error.message, 'The request is not valid. (give exactly one of --user or --group)');
  });
});

describe('invalid-request is whole in every language', () => {
  const schema = z.strictObject({ username: z.string().min(1).max(4), code: z.string().regex(/^\d+$/) });
  const germanOf = (body: unknown) => {
    try {
      parseBody(schema, body);
    } catch (error) {
      assert.ok(error instanceof SsprError);
      return error.messageIn('de');
    }
    assert.fail('the body was accepted');
  };
  it('names the field and the problem in German, with no English fragment', () => {
    assert.equal(germanOf({ username: 'abcdef', code: '1' }), 'Die Anfrage ist ungültig: „username“ ist zu lang.');
    assert.equal(germanOf({ username: 'a', code: 'x' }), 'Die Anfrage ist ungültig: „code“ ist ungültig.');
    assert.equal(germanOf({ username: 'a', code: '1', extra: 1 }), 'Die Anfrage ist ungültig: unerwartete Felder: extra.');
    assert.equal(germanOf({ code: '1' }), 'Die Anfrage ist ungültig: „username“ fehlt oder hat den falschen Typ.');
    assert.equal(germanOf('text'), 'Die Anfrage ist ungültig: Der Inhalt muss ein JSON-Objekt sein.');
  });
  it('step and browser-check errors are whole sentences in German', () => {
    assert.equal(new SsprError('flow-step-out-of-order', { params: { expected: 'verifyFirst' } }).messageIn('de'),
      'Dieser Schritt ist noch nicht möglich: Bestätigen Sie zuerst Ihre Identität.');
    assert.match(new SsprError('captcha-failed', { params: { reason: 'expired' } }).messageIn('de'), /fehlgeschlagen \(abgelaufen\)/);
  });
  it("a stored method hint renders in the reader's language", () => {
    const hint = { key: 'recovery-codes', params: { left: 3 } } as const;
    assert.equal(renderHint(hint, 'de'), 'Einen Wiederherstellungscode eingeben (3 übrig)');
    assert.equal(renderHint(hint, 'en'), 'Enter a recovery code (3 left)');
    assert.equal(renderHint('a•••••@e•••••.org', 'de'), 'a•••••@e•••••.org');
  });
  it('a user name of the wrong length is refused in German', () => {
    assert.equal(new SsprError('invalid-request', { params: { problem: 'usernameLength' } }).messageIn('de'),
      'Die Anfrage ist ungültig: Geben Sie einen Benutzernamen mit 1 bis 256 Zeichen ein.');
  });
});

describe('ten languages', () => {
  const english = readLanguage(join(root, 'en'));
  const sets = new Map(languages.map((lang) => [lang, readLanguage(join(root, lang))]));

  /** A value for each placeholder of an English message: numbers, dates, the first code, or text. */
  function sampleParams(key: string): Record<string, string | number | Date> {
    const args: Map<string, Argument> = english.get(key)?.args ?? new Map();
    return Object.fromEntries([...args].map(([name, arg]) => {
      switch (arg.kind.kind) {
        case 'number': return [name, 3];
        case 'date': return [name, new Date(Date.UTC(2026, 11, 6, 14, 5))];
        case 'code': return [name, arg.kind.codes.find((c) => c !== 'other') ?? 'other'];
        default: return [name, `‹${name}›`];
      }
    }));
  }

  it('no language lacks a key, has an unknown one, or names other placeholders (npm run messages:missing)', () => {
    for (const [lang, gaps] of Object.entries(messageGaps(root))) {
      assert.deepEqual(gaps, { missing: {}, unknown: [], placeholders: [] }, lang);
    }
  });

  it('a key not yet translated loads and reads in English until it is (the service keeps running)', () => {
    const dir = messageRoot(Object.fromEntries(languages.map((lang) => [`${lang}/a.json`, lang === 'en' ? { x: 'X {n}', y: 'Y' } : { x: `X-${lang} {n}` }])));
    const catalogue = MessageCatalogue.load(dir);
    assert.equal(catalogue.formatAny('ja', 'a.y'), 'Y');
    assert.equal(catalogue.formatAny('ja', 'a.x', { n: 1 }), 'X-ja 1');
    const renamed = messageRoot(Object.fromEntries(languages.map((lang) => [`${lang}/a.json`, { x: lang === 'pl' ? 'X {m}' : 'X {n}' }])));
    assert.throws(() => MessageCatalogue.load(renamed), /pl\/a\.json:\d+: "a\.x" has the placeholders/, 'a different placeholder still stops the load');
  });

  it('the shipped catalogue is read unparsed: the shipped files pass the full check, and both read the same', () => {
    const checked = MessageCatalogue.load(root);
    const shipped = MessageCatalogue.shipped(root);
    assert.deepEqual(shipped.allKeys(), checked.allKeys());
    for (const lang of languages) {
      assert.equal(shipped.formatAny(lang, 'console.directory.every', { minutes: 3 }), checked.formatAny(lang, 'console.directory.every', { minutes: 3 }), lang);
    }
    assert.deepEqual([...(shipped.placeholdersOf('console.directory.every')?.keys() ?? [])], ['minutes'], 'placeholders come from the English files, parsed on demand');
  });

  it('an unparsable text in a file read unparsed shows as written, and an override with it is refused', () => {
    const dir = messageRoot(Object.fromEntries(languages.map((lang) => [`${lang}/a.json`, { x: lang === 'de' ? 'X {n' : 'X {n}' }])));
    const catalogue = MessageCatalogue.shipped(dir);
    assert.equal(catalogue.formatAny('de', 'a.x', { n: 1 }), 'X {n');
    assert.equal(catalogue.formatAny('en', 'a.x', { n: 1 }), 'X 1');
    const overrides = messageRoot({ 'de/a.json': { x: 'Y {n' } });
    assert.throws(() => catalogue.withOverrides(overrides), /de\/a\.json:\d+: "x" is not a valid ICU message/);
  });

  it('a missing key in a new language is listed with its English text', () => {
    const dir = messageRoot({ 'en/a.json': { x: 'X {n}', y: 'Y' }, 'de/a.json': { x: 'X {m}' } });
    const gaps = messageGaps(dir);
    assert.deepEqual(gaps.de, { missing: { 'a.y': 'Y' }, unknown: [], placeholders: ['a.x'] });
    assert.deepEqual(Object.keys(gaps.fr?.missing ?? {}), ['a.x', 'a.y'], 'a listed language without a folder lacks everything');
  });

  it('plurals give every form the language uses for whole numbers (CLDR: pl one/few/many, ja other)', () => {
    const formsOf = (lang: string) => [...new Set(Array.from({ length: 1001 }, (_, n) => new Intl.PluralRules(lang).select(n)))];
    const walk = (elements: MessageFormatElement[], visit: (plural: PluralElement) => void): void => {
      for (const el of elements) {
        if (isPluralElement(el)) { visit(el); for (const o of Object.values(el.options)) walk(o.value, visit); }
        if (isSelectElement(el)) for (const o of Object.values(el.options)) walk(o.value, visit);
      }
    };
    for (const [lang, set] of sets) {
      const forms = formsOf(lang);
      for (const [key, m] of set) {
        walk(m.ast, (plural) => {
          for (const form of forms) assert.ok(form in plural.options, `${lang} ${key}: {${plural.value}, plural} lacks "${form}"`);
        });
      }
    }
  });

  it('every message formats in every language with values of the right kind, leaving no placeholder behind', () => {
    for (const [lang, set] of sets) {
      for (const key of set.keys()) {
        const params = sampleParams(key);
        const text = messages.formatAny(lang, key, params);
        assert.ok(text.length > 0, `${lang} ${key}`);
        for (const name of Object.keys(params)) assert.ok(!text.includes(`{${name}`), `${lang} ${key} left {${name}} unformatted`);
      }
    }
  });

  it('mails and SMS render in every language, with dates in the language\'s form', () => {
    const at = new Date(Date.UTC(2026, 11, 6, 14, 5));
    for (const lang of languages) {
      for (const key of messages.keys('mail.')) assert.ok(message(lang, `mail.${key}`, sampleParams(`mail.${key}`) as never).length > 10, `${lang} mail.${key}`);
      for (const key of messages.keys('sms.')) {
        const text = message(lang, `sms.${key}`, { organisation: 'ACME', code: '123456', minutes: 10 });
        assert.match(text, /123456/, `${lang} sms.${key}`);
        assert.ok(text.length <= 160, `${lang} sms.${key} fits one concatenated SMS page (${text.length})`);
      }
      const notice = adminResetNoticeMail(lang, 'a@example.org', { organisation: 'ACME', at, ip: '192.0.2.1', who: 'root' });
      assert.match(notice.text, /192\.0\.2\.1/);
      assert.match(notice.text, /UTC/, `${lang}: the zone is named`);
      assert.match(codeMail(lang, 'a@example.org', { code: '123456', minutes: 1, organisation: 'ACME' }).text, /123456/);
    }
    assert.match(adminResetNoticeMail('de', 'a@example.org', { organisation: 'ACME', at, ip: '192.0.2.1', who: 'root' }).text, /am 6\. Dez\. 2026 um 14:05 UTC/);
    assert.match(adminResetNoticeMail('ja', 'a@example.org', { organisation: 'ACME', at, ip: '192.0.2.1', who: 'root' }).text, /2026年12月6日 14:05 UTC/);
    // Every mail and SMS with a time says it in the reader's date style, in UTC with the zone named.
    const notice = { organisation: 'ACME', notice: 'reset', at, ip: '192.0.2.1', link: 'https://x/n', days: 7 } as const;
    const expiry = { organisation: 'ACME', name: 'Ann', username: 'ann', expiresAt: at.getTime(), days: 3, url: 'https://x/c' };
    const line = { person: 'Ann', username: 'ann', expiresAt: at.getTime(), days: 3 };
    const dated = (lang: Lang) => [
      noticeMail(lang, 'a@example.org', notice).text,
      noticeSms(lang, '+491', notice).text,
      freezeAlertMail(lang, 'a@example.org', { organisation: 'ACME', who: 'ann', at, ip: '192.0.2.1' }).text,
      expiryMail(lang, 'a@example.org', expiry).text,
      managerSummaryMail(lang, 'a@example.org', { organisation: 'ACME', name: 'Bo', people: [line] }).text,
    ];
    for (const text of dated('de')) assert.match(text, /6\. Dez\. 2026 um 14:05 UTC/);
    for (const text of dated('ja')) assert.match(text, /2026年12月6日 14:05 UTC/);
    for (const text of dated('pl')) assert.match(text, /6 gru 2026 o 14:05 UTC/);
    for (const lang of languages) for (const text of dated(lang)) assert.doesNotMatch(text, /2026-12-06/, `${lang}: no ISO date`);
    assert.match(message('pl', 'errors.code-wrong', { remaining: 5 }), /pozostało 5 prób/);
    assert.match(message('pl', 'errors.code-wrong', { remaining: 2 }), /pozostały 2 próby/);
  });

  it('each language says "password" with one word throughout (de Kennwort, never Passwort)', () => {
    const term: Record<(typeof languages)[number], RegExp> = {
      en: /password/i, de: /kennw[öo]rt/i, fr: /mots? de passe/i, es: /contraseña/i, it: /password/i, nl: /wachtwoord/i,
      pl: /has(ł|eł)/i, 'pt-BR': /senha/i, sv: /lösenord/i, ja: /パスワード/,
    };
    for (const [lang, set] of sets) {
      for (const [key, m] of set) {
        if (!/\bpasswords?\b(?!\.)/i.test(english.get(key)?.text ?? '') || key.startsWith('doctor.evidence.')) continue;
        assert.match(m.text, term[lang], `${lang} ${key}`);
      }
    }
    for (const m of sets.get('de')?.values() ?? []) assert.doesNotMatch(m.text, /Passw[oö]rt/, m.text);
  });

  it('the language switch offers every language, each in its own name and tag', () => {
    const page = layout({ lang: 'ja', organisation: 'ACME', csrfToken: 'x', demo: false }, 'T', html``);
    assert.match(page, /<html lang="ja">/);
    for (const lang of languages.filter((l) => l !== 'ja')) {
      assert.ok(page.includes(`href="?lang=${lang}" hreflang="${lang}" lang="${lang}">${t(lang, 'lang.name')}</a>`), lang);
    }
    assert.equal(new Set(languages.map((lang) => t(lang, 'lang.name'))).size, languages.length, 'every language has its own name');
  });

  it('predefined security questions exist in every language, distinct within each', () => {
    for (const lang of languages) {
      const texts = PREDEFINED_QUESTIONS.map((q) => q[lang]);
      assert.equal(new Set(texts).size, texts.length, lang);
    }
  });
});
