#!/usr/bin/env node
import { Command } from 'commander';
import { serveCommand } from './serve-command.js';
import { demoCommand } from './demo-command.js';
import { migrateCommand } from './migrate-command.js';
import { configCommand } from './config-command.js';
import { userCommand } from './user-command.js';
import { groupCommand } from './group-command.js';
import { policyCommand } from './policy-command.js';
import { breachCommand } from './breach-command.js';
import { licenseCommand } from './license-command.js';
import { keysCommand } from './keys-command.js';
import { syncCommand } from './sync-command.js';
import { doctorCommand } from './doctor-command.js';
import { adminCommand } from './admin-command.js';
import { agentCommand } from './agent-command.js';

const program = new Command('sspr')
  .description('sspr: self-service password reset')
  .option('-c, --config <file>', 'configuration file (JSON); default: $SSPR_CONFIG')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(demoCommand())
  .addCommand(migrateCommand())
  .addCommand(configCommand())
  .addCommand(userCommand())
  .addCommand(groupCommand())
  .addCommand(policyCommand())
  .addCommand(breachCommand())
  .addCommand(licenseCommand())
  .addCommand(keysCommand())
  .addCommand(syncCommand())
  .addCommand(doctorCommand())
  .addCommand(adminCommand())
  .addCommand(agentCommand());

await program.parseAsync(process.argv);
