/**
 * The worker-thread side of worker-directory-reader.ts: reads the directory named by `workerData` and posts each
 * page to the parent, the next one only after the parent acknowledged the previous one (`ack`). Meanwhile the
 * paged search already fetches the page after, so reading and parsing here overlap the parent's storing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { directoryReaderFor } from './reader-from-config.js';
import type { ReaderRequest, ReaderMessage, ReaderWorkerData } from './worker-directory-reader.js';

const port = parentPort;
if (!port) throw new Error('directory-reader-worker.ts runs only as a worker thread');
const { directory, since } = workerData as ReaderWorkerData;
let acknowledge: (() => void) | null = null;
port.on('message', (request: ReaderRequest) => {
  if (request.type !== 'ack') return;
  const resolve = acknowledge;
  acknowledge = null;
  resolve?.();
});
const post = (message: ReaderMessage): void => port.postMessage(message);
const send = (message: ReaderMessage): Promise<void> =>
  new Promise((resolve) => {
    acknowledge = resolve;
    post(message);
  });

const reader = directoryReaderFor(directory);
try {
  const { marker } = await reader.readChanges(
    since,
    (page) => send({ type: 'accounts', page }),
    (page) => send({ type: 'groups', page }),
  );
  post({ type: 'done', marker });
} catch (error) {
  post({ type: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
} finally {
  await reader.close();
  port.close();
}
