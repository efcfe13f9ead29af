#!/usr/bin/env node
import { Command } from 'commander';
import { packageVersion } from '../package-version.js';

/**
 * The `sspr` command line. Each command's module (and what it pulls in: store, crypto, directory connectors …)
 * is loaded only when that command runs, so `sspr agent` or `sspr sync` do not carry the whole server; a bare
 * `sspr`, `--help` or an unknown command loads them all for the full help.
 */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand(),
  demo: async () => (await import('./demo-command.js')).demoCommand(),
  migrate: async () => (await import('./migrate-command.js')).migrateCommand(),
  config: async () => (await import('./config-command.js')).configCommand(),
  user: async () => (await import('./user-command.js')).userCommand(),
  group: async () => (await import('./group-command.js')).groupCommand(),
  policy: async () => (await import('./policy-command.js')).policyCommand(),
  breach: async () => (await import('./breach-command.js')).breachCommand(),
  license: async () => (await import('./license-command.js')).licenseCommand(),
  keys: async () => (await import('./keys-command.js')).keysCommand(),
  sync: async () => (await import('./sync-command.js')).syncCommand(),
  doctor: async () => (await import('./doctor-command.js')).doctorCommand(),
  admin: async () => (await import('./admin-command.js')).adminCommand(),
  role: async () => (await import('./role-command.js')).roleCommand(),
  audit: async () => (await import('./audit-command.js')).auditCommand(),
  agent: async () => (await import('./agent-command.js')).agentCommand(),
  notify: async () => (await import('./notify-command.js')).notifyCommand(),
  templates: async () => (await import('./templates-command.js')).templatesCommand(),
};

/** The command word in argv, skipping the global `-c/--config FILE`; undefined when there is none. */
function commandWord(argv: string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-c' || arg === '--config') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const program = new Command('sspr')
  .description('sspr: self-service password reset')
  .version(packageVersion, '-V, --version', 'print the version of sspr')
  .option('-c, --config <file>', 'configuration file (JSON); default: $SSPR_CONFIG')
  .showHelpAfterError();
const word = commandWord(process.argv);
const wanted = word !== undefined && word in commands ? [word] : Object.keys(commands);
for (const name of wanted) program.addCommand(await (commands[name] as () => Promise<Command>)());

await program.parseAsync(process.argv);
