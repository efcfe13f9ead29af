import { Command } from 'commander';
import { configFrom, guarded } from './runtime.js';
import { catalogueWithTemplates, helpdeskLines, previewTemplate, templateNames } from '../mail/operator-templates.js';
import { shippedMessages } from '../i18n/messages.js';
import { isLang, languages } from '../i18n/lang.js';
import { SsprError } from '../errors/sspr-error.js';
import { displayOrganisation } from '../integrity/integrity-parts.js';

/** `sspr templates list|check|preview`: the mail and SMS texts, with the operator's files from `templates.dir`. */
export function templatesCommand(): Command {
  const templates = new Command('templates').description('mail and SMS texts: list them, check the operator\'s files (templates.dir), preview one');
  const catalogueOf = (command: Command) => {
    const dir = configFrom(command).templates.dir;
    return dir ? catalogueWithTemplates(dir) : shippedMessages;
  };

  templates
    .command('list')
    .description('the names of every mail and SMS text')
    .action(guarded(async (_options: unknown, command: Command) => {
      process.stdout.write(templateNames(catalogueOf(command)).join('\n') + '\n');
    }));

  templates
    .command('check')
    .description('check the files of templates.dir (the same check as at start-up)')
    .action(guarded(async (_options: unknown, command: Command) => {
      const dir = configFrom(command).templates.dir;
      if (dir) catalogueWithTemplates(dir);
      process.stdout.write(dir ? `${dir}: every file is usable\n` : 'templates.dir is not set: the shipped texts are used\n');
    }));

  templates
    .command('preview <name>')
    .description('render one text with sample values (a mail: subject and text, with the help-desk footer)')
    .option('--lang <lang>', `language (${languages.join(', ')})`, 'en')
    .option('--param <name=value...>', 'use this value for a placeholder (e.g. notice=change)')
    .option('--json', 'print JSON')
    .action(guarded(async (name: string, options: { lang: string; param?: string[]; json?: boolean }, command: Command) => {
      if (!isLang(options.lang)) throw new SsprError('invalid-request', { params: { problem: 'fieldInvalid', field: 'lang' } });
      const config = configFrom(command);
      const params = Object.fromEntries((options.param ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]).filter(([key]) => key));
      const preview = previewTemplate(catalogueOf(command), name, options.lang, { organisation: displayOrganisation(config), ...params });
      const footer = preview.subject !== undefined ? helpdeskLines({ organisation: displayOrganisation(config), ...config.branding.helpdesk }, options.lang) : '';
      if (options.json) return void process.stdout.write(JSON.stringify({ ...preview, text: preview.text + footer }) + '\n');
      if (preview.subject !== undefined) process.stdout.write(`Subject: ${preview.subject}\n\n`);
      process.stdout.write(preview.text.replace(/\n*$/, '\n') + footer);
    }));

  return templates;
}
