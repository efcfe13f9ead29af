import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The service account's password in every directory section: `bindPassword`, or `bindPasswordFile` (a file holding
 * it, read once when the section is parsed at start-up; one trailing newline is dropped). Exactly one of the two.
 * Errors name the key and the file, never the content.
 */
export const bindPasswordShape = {
  bindPassword: z.string().min(1).optional(),
  /** Path of a file holding the bind password (e.g. a mounted secret). */
  bindPasswordFile: z.string().min(1).optional(),
};

/** Transform of a parsed section: `bindPassword` set from the section or read from `bindPasswordFile`. */
export function resolveBindPassword<T extends { bindPassword?: string | undefined; bindPasswordFile?: string | undefined }>(
  section: T,
  ctx: z.RefinementCtx,
): T & { bindPassword: string } {
  const { bindPassword, bindPasswordFile } = section;
  if ((bindPassword === undefined) === (bindPasswordFile === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['bindPassword'], message: 'give exactly one of bindPassword or bindPasswordFile' });
    return z.NEVER;
  }
  if (bindPassword !== undefined) return { ...section, bindPassword };
  const read = readPasswordFile(bindPasswordFile ?? '');
  if ('problem' in read) {
    ctx.addIssue({ code: 'custom', path: ['bindPasswordFile'], message: read.problem });
    return z.NEVER;
  }
  return { ...section, bindPassword: read.password };
}

function readPasswordFile(file: string): { password: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: `cannot read the file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const password = text.replace(/\r?\n$/, '');
  return password.length > 0 ? { password } : { problem: `the file ${file} is empty` };
}
