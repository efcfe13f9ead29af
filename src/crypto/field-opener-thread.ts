/**
 * The worker side of worker-field-opener.ts: opens each request's values with its own FieldCipher over the keyring
 * it was started with, and answers per value the plaintext, or null where `decrypt` threw (a key it does not hold,
 * a value that does not authenticate): the serving thread opens those itself and so answers or throws exactly as
 * `decrypt` does there.
 */
import type { MessagePort } from 'node:worker_threads';
import { FieldCipher } from './field-cipher.js';

/** A request: values and their associated data, index for index. */
export interface OpenRequest {
  id: number;
  stored: string[];
  contexts: string[];
}

export interface OpenAnswer {
  id: number;
  opened: Array<string | null>;
}

/** The keyring as it crosses to the worker: key bytes copied into buffers of their own. */
export interface ThreadKeyring {
  currentKeyId: string;
  keys: Array<[string, Uint8Array]>;
}

export function serveOpenRequests(port: MessagePort, keyring: ThreadKeyring): void {
  const cipher = new FieldCipher({ currentKeyId: keyring.currentKeyId, keys: new Map(keyring.keys.map(([id, key]) => [id, Buffer.from(key)])) });
  port.on('message', ({ id, stored, contexts }: OpenRequest) => {
    const opened = stored.map((value, i) => {
      try {
        return cipher.decrypt(value, contexts[i] as string);
      } catch {
        return null;
      }
    });
    port.postMessage({ id, opened } satisfies OpenAnswer);
  });
}
