import { Command } from 'commander';
import { configFrom, reportError } from './runtime.js';
import { redactConfig } from '../config/redact.js';

/** `sspr config check`: validates the configuration and prints the effective values, secrets hidden. */
export function configCommand(): Command {
  const config = new Command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate the configuration and print the effective values with secrets hidden')
    .action((_options: unknown, command: Command) => {
      try {
        const effective = configFrom(command);
        process.stdout.write(JSON.stringify(redactConfig(effective), null, 2) + '\n');
        process.stderr.write('configuration is valid\n');
      } catch (error) {
        reportError(error);
      }
    });
  return config;
}
