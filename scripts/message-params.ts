/**
 * Writes src/i18n/message-params.ts from the English message files: one entry per key with the type of each
 * placeholder, so the compiler checks every lookup. Run after changing messages/en: `npm run messages`.
 * A unit test fails when the written file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLanguage, shippedMessagesRoot, type Argument } from '../src/i18n/message-files.js';

export const paramsModulePath = fileURLToPath(new URL('../src/i18n/message-params.ts', import.meta.url));

function typeOf(arg: Argument): string {
  switch (arg.kind.kind) {
    case 'number': return 'number';
    case 'date': return 'Date | number';
    case 'code': return arg.kind.codes.map((code) => `'${code}'`).join(' | ') || 'string';
    default: return 'string | number';
  }
}

/** One line per message file: the file is generated, read by the compiler, not by people. */
export function messageParamsSource(root = shippedMessagesRoot()): string {
  const domains = new Map<string, string[]>();
  for (const [key, message] of readLanguage(join(root, 'en'))) {
    const params = [...message.args].map(([name, arg]) => `${JSON.stringify(name)}${arg.optional ? '?' : ''}: ${typeOf(arg)}`);
    const domain = key.slice(0, key.indexOf('.'));
    domains.set(domain, [...(domains.get(domain) ?? []), `${JSON.stringify(key)}: {${params.length ? ` ${params.join('; ')} ` : ''}};`]);
  }
  return [
    '// Written by scripts/message-params.ts from messages/en/*.json (npm run messages); do not edit by hand.',
    '/* eslint-disable @typescript-eslint/no-empty-object-type */',
    'export interface MessageParams {',
    ...[...domains.values()].map((entries) => `  ${entries.join(' ')}`),
    '}',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(paramsModulePath, messageParamsSource());
