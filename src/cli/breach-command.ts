import { Command } from 'commander';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { configFrom, guarded } from './runtime.js';
import { importBreachCorpus, type ImportProgress } from '../password-policy/index.js';
import { defaultBreachCorpusPath } from '../policy/password-checker.js';
import { SsprError } from '../errors/sspr-error.js';

function progressPrinter(): (progress: ImportProgress) => void {
  if (!process.stderr.isTTY) return () => undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 200 && p.phase !== 'done') return;
    last = now;
    const percent = p.totalBytes ? Math.floor((p.bytesRead / p.totalBytes) * 100) : 100;
    process.stderr.write(`\r${p.phase.padEnd(8)} ${String(percent).padStart(3)}%  ${p.records.toLocaleString('en')} hashes`);
    if (p.phase === 'done') process.stderr.write('\n');
  };
}

/**
 * `sspr breach import FILE`: turns a Have-I-Been-Pwned style file (`SHA1:count` lines, any order) into the
 * compact sorted corpus the service checks by binary search on disk. Written beside the target and renamed
 * into place, so a running service never sees half a file; restart the service to pick it up.
 */
export function breachCommand(): Command {
  const breach = new Command('breach').description('breached-password corpus');
  breach
    .command('import <file>')
    .description('import a Pwned Passwords (SHA-1) file into the corpus the service checks')
    .option('--out <path>', 'where to write the corpus (default: password.breachCorpusFile or DATA_DIR/breach-corpus.bin)')
    .action(guarded(async (file: string, options: { out?: string }, command: Command) => {
      if (!existsSync(file)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `${file} does not exist` });
      const config = configFrom(command);
      const target = options.out ?? config.password.breachCorpusFile ?? defaultBreachCorpusPath(config.dataDir);
      const partial = `${target}.partial`;
      const started = Date.now();
      try {
        const result = await importBreachCorpus(file, partial, progressPrinter());
        renameSync(partial, target);
        process.stdout.write(
          `imported ${result.records.toLocaleString('en')} hashes from ${result.lines.toLocaleString('en')} lines into ${target} ` +
            `in ${((Date.now() - started) / 1000).toFixed(1)} s (${result.duplicates} duplicates, ${result.malformed} malformed lines skipped)\n`,
        );
      } finally {
        rmSync(partial, { force: true });
      }
    }));
  return breach;
}
