import { Command, Option } from 'commander';
import { configFrom } from './runtime.js';
import { createLogger } from '../app/logger.js';
import { createServices, type Services } from '../app/services.js';
import { SsprError } from '../errors/sspr-error.js';
import { languages, langOf, matchRange, type Lang } from '../i18n/lang.js';
import { formatReport } from '../doctor/format-report.js';

/**
 * The language of the terminal: --lang, else the POSIX locale of LC_ALL / LC_MESSAGES / LANG (`pt_BR.UTF-8` is
 * `pt-BR`, `de_AT` is `de`), else English.
 */
function terminalLang(option: string | undefined): Lang {
  const chosen = langOf(option);
  if (chosen) return chosen;
  const locale = (process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '').split(/[.@]/)[0]?.replace('_', '-') ?? '';
  return matchRange(locale) ?? languages[0];
}

/**
 * `sspr doctor [USER] [--json] [--lang LANG]`. Exit 0: the user can reset (service run: no service-level check
 * fails); 1: they cannot (a check fails); 2: the doctor itself could not run (bad config, unknown user, store down).
 */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('say why a user cannot reset and how to fix it; without a user, check the service and count affected users')
    .argument('[username]', 'the user to diagnose')
    .option('--json', 'print JSON: {user, canReset, checks: [{id, status, summary, evidence, fix}]}')
    .addOption(new Option('--lang <lang>', 'language of summaries and fixes').choices([...languages]))
    .action(async (username: string | undefined, options: { json?: boolean; lang?: string }, command: Command) => {
      const lang = terminalLang(options.lang);
      let services: Services | undefined;
      let code = 2;
      try {
        const config = configFrom(command);
        services = await createServices({ ...config, log: { level: 'silent' } }, createLogger('silent'));
        const report = username === undefined ? await services.doctor.diagnoseService(lang) : await services.doctor.diagnoseUser(username, lang);
        process.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report, lang));
        code = report.canReset ? 0 : 1;
      } catch (error) {
        const message = error instanceof SsprError ? error.messageIn(lang) : error instanceof Error ? error.message : String(error);
        process.stderr.write(`sspr: ${message}\n`);
        if (options.json) process.stdout.write(JSON.stringify({ error: { code: error instanceof SsprError ? error.code : 'doctor-failed', message } }) + '\n');
      } finally {
        await services?.close().catch(() => undefined);
      }
      process.exit(code);
    });
}
