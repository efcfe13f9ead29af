/**
 * A DirectoryReader that runs the real one (LDAP or AD, by the config section) in a worker thread, so that
 * receiving and parsing the directory's pages (ldapts, in JavaScript) runs on another core than storing them.
 *
 * Flow contract: the worker posts one page and waits for its `ack`, which the parent sends once the page's
 * callback settled; pages therefore reach the callbacks strictly in order, one at a time, and at most one parsed
 * page waits in the worker (besides the one its paged search prefetches). A failing callback, a failing read or
 * close() ends the worker; readChanges then rejects. Errors from the worker keep their name and message only.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DirectoryReader } from './directory-reader.js';
import type { SyncedAccount, SyncedGroup } from './sync-types.js';

export interface ReaderWorkerData {
  directory: Record<string, unknown>;
  since: string | null;
}

export type ReaderMessage =
  | { type: 'accounts'; page: SyncedAccount[] }
  | { type: 'groups'; page: SyncedGroup[] }
  | { type: 'done'; marker: string }
  | { type: 'failed'; name: string; message: string };

export type ReaderRequest = { type: 'ack' };

/**
 * The worker's entry next to this module, with this module's extension: `.js` when compiled; `.ts` when the
 * sources run under tsx (the test runner), whose loader a worker thread does not inherit: it registers it first.
 */
const EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKER_URL = new URL(`./directory-reader-worker${EXTENSION}`, import.meta.url);

function startWorker(workerData: ReaderWorkerData): Worker {
  if (EXTENSION !== '.ts') return new Worker(WORKER_URL, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export function workerDirectoryReader(directory: Record<string, unknown>): DirectoryReader {
  let worker: Worker | null = null;
  return {
    readChanges(since, onAccounts, onGroups) {
      return new Promise((resolve, reject) => {
        const workerData: ReaderWorkerData = { directory, since };
        const thread = (worker = startWorker(workerData));
        let settled = false;
        const fail = (error: unknown): void => {
          if (settled) return;
          settled = true;
          void thread.terminate();
          reject(error);
        };
        thread.on('message', (message: ReaderMessage) => {
          if (message.type === 'done') {
            settled = true;
            resolve({ marker: message.marker });
          } else if (message.type === 'failed') {
            fail(Object.assign(new Error(message.message), { name: message.name }));
          } else {
            const stored = message.type === 'accounts' ? onAccounts(message.page) : onGroups(message.page);
            Promise.resolve(stored).then(() => thread.postMessage({ type: 'ack' } satisfies ReaderRequest), fail);
          }
        });
        thread.on('error', fail);
        thread.on('exit', (code) => fail(new Error(`the directory read stopped before it was complete (worker exit code ${code})`)));
      });
    },
    async close() {
      await worker?.terminate();
      worker = null;
    },
  };
}
