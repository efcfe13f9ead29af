import { Command } from 'commander';
import { configFrom, guarded } from './runtime.js';
import { redactConfig } from '../config/redact.js';

/** `sspr config check`: validates the configuration and prints the effective values, secrets hidden. */
export function configCommand(): Command {
  const config = new Command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate the configuration and print the effective values with secrets hidden')
    .action(guarded((_options: unknown, command: Command) => {
      const effective = configFrom(command);
      process.stdout.write(JSON.stringify(redactConfig(effective), null, 2) + '\n');
      process.stderr.write('configuration is valid\n');
    }));
  return config;
}
