import { Command } from 'commander';
import { configFrom, guarded } from './runtime.js';
import { runServer } from './run-server.js';
import { seedDemoOrganisation, demoPasswordStatus, DEMO_ADMIN_TOTP_KEY } from '../demo/demo-organisation.js';

/**
 * `sspr demo` (what `npm start` runs): demo mode on the embedded store. Creates a demo organisation in the
 * data dir when there is none, prints the URL and the demo user names, shows sent mail on /demo/outbox.
 */
export function demoCommand(): Command {
  return new Command('demo').description('run with a demo organisation and a mail outbox page (for trying sspr)').action(guarded(async (_options: unknown, command: Command) => {
    const config = { ...configFrom(command), demo: true };
    await runServer(config, async (services) => {
      const created = await seedDemoOrganisation(services.users, services.groups, services.licences, services.registrations, services.clock.now());
      const url = config.publicUrl ?? `http://${config.host}:${config.port}`;
      process.stdout.write(
        (created.length ? `created a demo organisation in ${config.dataDir}\n` : '') +
          `demo users:\n${(await demoPasswordStatus(services.users)).join('\n')}\n` +
          `dieter is an administrator: a reset takes two methods, the e-mail code and an authenticator app with the key ${DEMO_ADMIN_TOTP_KEY}\n` +
          `sent mail appears at ${url}/demo/outbox\n`,
      );
    });
  }));
}
