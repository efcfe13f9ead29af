import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads a password without it ever touching argv (visible in `ps`) or the terminal echo:
 * from a prompt when stdin is a terminal, else the whole of stdin (one trailing newline removed).
 */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  // The terminal sees the prompt and nothing after it: the typed characters are not echoed.
  let prompting = true;
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (prompting) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => {
    rl.question(prompt, (value) => resolve(value));
  });
  prompting = false;
  const value = await answer;
  rl.close();
  process.stderr.write('\n');
  return value;
}
