import { Command } from 'commander';
import cluster from 'node:cluster';
import { configFrom, guarded } from './runtime.js';
import { workerCount } from '../app/worker-link.js';

/**
 * `sspr serve`: the server in this process, or with `http.workers` > 1 a primary that starts that many workers (each
 * of which runs this command again as a cluster worker). The primary loads none of the server's modules.
 */
export function serveCommand(): Command {
  return new Command('serve').description('run the web service (migrates the store first)').action(guarded(async (_options: unknown, command: Command) => {
    const config = configFrom(command);
    const count = workerCount(config);
    if (count > 1 && cluster.isPrimary) await (await import('./serve-workers.js')).runPrimary(config, count);
    else await (await import('./run-server.js')).runServer(config);
  }));
}
