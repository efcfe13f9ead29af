import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { languagesIn, MessageFileError, readLanguage, type Argument } from '../i18n/message-files.js';
import { shippedMessages, useCatalogue, type MessageCatalogue } from '../i18n/messages.js';
import type { Lang } from '../i18n/lang.js';
import { SsprError } from '../errors/sspr-error.js';
import { helpdeskFooter, type Helpdesk } from './helpdesk-footer.js';

/**
 * Mail and SMS texts are the messages `mail.*` and `sms.*`, and `<domain>.mail.*` / `<domain>.sms.*` of a
 * feature's own file (`integrity.mail.notice.text`). Only these may be overridden by the operator.
 */
export function isTemplateKey(key: string): boolean {
  return /^(mail|sms)\./.test(key) || /^[a-z0-9-]+\.(mail|sms)\./.test(key);
}

/**
 * The shipped catalogue with the operator's texts from `dir` (`<dir>/<lang>/<domain>.json`, the shipped format).
 * Every file is checked: bad JSON or ICU, a key that is not a known mail or SMS text, or placeholders other than
 * the shipped message's (one missing or one extra) is a MessageFileError naming the file and the line.
 */
export function catalogueWithTemplates(dir: string): MessageCatalogue {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MessageFileError(dir, 'the templates folder (templates.dir) does not exist');
  for (const folder of languagesIn(dir)) {
    for (const [key, message] of readLanguage(join(dir, folder))) {
      if (!isTemplateKey(key)) throw new MessageFileError(message.file, `"${key}" is not a mail or SMS text (only mail.*, sms.* and <domain>.mail.* / <domain>.sms.* can be overridden)`, message.line);
    }
  }
  return shippedMessages.withOverrides(dir);
}

/** Puts the operator's texts in use for this process (start-up), or the shipped ones when there is no folder. */
export function installTemplates(dir: string | undefined): void {
  useCatalogue(dir ? catalogueWithTemplates(dir) : shippedMessages);
}

/** A template's name: a mail is the key without `.subject` / `.text`, an SMS its key. */
export function templateNames(catalogue: MessageCatalogue = shippedMessages): string[] {
  const names = new Set(catalogue.allKeys().filter(isTemplateKey).map((key) => key.replace(/\.(subject|text)$/, '')));
  return [...names].sort();
}

/** Values that look like what the service passes, by placeholder name; anything else gets a value of its kind. */
const samples: Record<string, string | number> = {
  organisation: 'Example Ltd',
  code: '482913',
  minutes: 10,
  days: 7,
  when: '2026-12-06 09:30 UTC',
  ip: '192.0.2.10',
  link: 'https://sspr.example.org/not-me?t=…',
  who: 'jdoe',
  usernames: 'jdoe',
  count: 1,
  reason: 'Your account has no verification method registered.',
  phone: '+49 30 1234567',
  url: 'https://help.example.org',
};

function sampleFor(name: string, argument: Argument): string | number | Date {
  if (argument.kind.kind === 'code') return argument.kind.codes.find((code) => code !== 'other') ?? 'other';
  if (name in samples) return samples[name]!;
  if (argument.kind.kind === 'number') return 3;
  if (argument.kind.kind === 'date') return new Date('2026-12-06T09:30:00Z');
  return `<${name}>`;
}

export interface TemplatePreview {
  name: string;
  lang: Lang;
  subject?: string;
  text: string;
}

/** One template rendered with sample values (`overrides` replace some, e.g. `notice=change`). */
export function previewTemplate(catalogue: MessageCatalogue, name: string, lang: Lang, overrides: Record<string, string> = {}): TemplatePreview {
  const keys = [`${name}.subject`, `${name}.text`, name].filter((key) => isTemplateKey(key) && catalogue.has(key));
  if (keys.length === 0) throw new SsprError('template-unknown', { params: { name, known: templateNames(catalogue).join(', ') } });
  const render = (key: string) => {
    const params: Record<string, string | number | Date> = {};
    for (const [placeholder, argument] of catalogue.placeholdersOf(key) ?? []) params[placeholder] = overrides[placeholder] ?? sampleFor(placeholder, argument);
    return catalogue.formatAny(lang, key, params);
  };
  if (keys.includes(`${name}.text`)) {
    return { name, lang, ...(keys.includes(`${name}.subject`) ? { subject: render(`${name}.subject`) } : {}), text: render(`${name}.text`) };
  }
  return { name, lang, text: render(name) };
}

/** The help-desk footer as `sspr templates preview` shows it ('' without a help desk). */
export function helpdeskLines(helpdesk: Helpdesk, lang: Lang): string {
  return helpdesk.phone || helpdesk.url ? helpdeskFooter({ lang }, helpdesk) : '';
}
