import { createInterface } from 'node:readline';

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
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (text: string) => void };
  let prompting = true;
  output._writeToOutput = (text: string) => {
    if (prompting) process.stderr.write(text);
  };
  const answer = new Promise<string>((resolve) => {
    rl.question(prompt, (value) => resolve(value));
  });
  prompting = false;
  const value = await answer;
  rl.close();
  process.stderr.write('\n');
  return value;
}
