import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Dialect } from './portable.js';
import * as initial from './001-initial.js';
import * as passwordPolicy from './002-password-policy.js';
import * as methodsPolicy from './003-methods-policy.js';
import * as directoryAccounts from './004-directory-accounts.js';
import * as writebackAgents from './005-writeback-agents.js';
import * as adminTokens from './006-admin-tokens.js';
import * as flowClaim from './007-flow-claim.js';
import * as rateLimit from './008-rate-limit.js';
import * as keyring from './009-keyring.js';
import * as agentEnvelope from './010-agent-envelope.js';
import * as roles from './011-roles.js';
import * as userIndexes from './012-user-indexes.js';
import * as consoleAuth from './013-console-auth.js';
import * as consolePages from './014-console-pages.js';
import * as helpdesk from './015-helpdesk.js';
import * as reminders from './016-reminders.js';
import * as deliveryQueue from './017-delivery-queue.js';
import * as integrity from './018-integrity.js';
import * as reregistration from './019-reregistration.js';
import * as lookupTags from './020-lookup-indexes.js';
import * as agentFeatures from './021-agent-features.js';
import * as jobFeatures from './022-job-features.js';
import * as throttleBlockAccount from './023-throttle-block-account.js';
import * as operatorIndex from './024-operator-index.js';

// Migrations are listed in code (not read from a folder) so the compiled package carries them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Up = (db: Kysely<any>, dialect: Dialect) => Promise<void>;
const ordered: Array<[string, Up]> = [
  ['001-initial', initial.up],
  ['002-password-policy', passwordPolicy.up],
  ['003-methods-policy', methodsPolicy.up],
  ['004-directory-accounts', directoryAccounts.up],
  ['005-writeback-agents', writebackAgents.up],
  ['006-admin-tokens', adminTokens.up],
  ['007-flow-claim', flowClaim.up],
  ['008-rate-limit', rateLimit.up],
  ['009-keyring', keyring.up],
  ['010-agent-envelope', agentEnvelope.up],
  ['011-roles', roles.up],
  ['012-user-indexes', userIndexes.up],
  ['013-console-auth', consoleAuth.up],
  ['014-console-pages', consolePages.up],
  ['015-helpdesk', helpdesk.up],
  ['016-reminders', reminders.up],
  ['017-delivery-queue', deliveryQueue.up],
  ['018-integrity', integrity.up],
  ['019-reregistration', reregistration.up],
  ['020-lookup-indexes', lookupTags.up],
  ['021-agent-features', agentFeatures.up],
  ['022-job-features', jobFeatures.up],
  ['023-throttle-block-account', throttleBlockAccount.up],
  ['024-operator-index', operatorIndex.up],
];

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, up] of ordered) migrations[name] = { up: (db) => up(db, dialect) };
      return migrations;
    },
  };
}
