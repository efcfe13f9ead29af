import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * Message files: `<root>/<lang>/<domain>.json`, each a flat JSON object of ICU MessageFormat strings
 * (https://unicode-org.github.io/icu/userguide/format_parse/messages/). A message's key is
 * `<domain>.<key in the file>`. Tags (`<b>`) are not markup here: `<token>` is plain text.
 */

/** What a placeholder takes: a number (plural, number), one of the listed codes (select, `other` included), or any text. */
export type ArgumentKind = { kind: 'text' } | { kind: 'number' } | { kind: 'date' } | { kind: 'code'; codes: string[] };

/** A placeholder of a message; `optional` when it is used only inside some branches of a select. */
export interface Argument {
  kind: ArgumentKind;
  optional: boolean;
}

export interface ParsedMessage {
  file: string;
  /** The line of the file the message's key stands on (1-based). */
  line: number;
  text: string;
  ast: MessageFormatElement[];
  args: Map<string, Argument>;
}

/** Messages of one language, by full key. */
export type MessageSet = Map<string, ParsedMessage>;

/** A message file that cannot be used; the message names the file, the line when known, and the key, so the operator can fix it. */
export class MessageFileError extends Error {
  constructor(readonly file: string, problem: string, readonly line?: number) {
    super(`${file}${line ? `:${line}` : ''}: ${problem}`);
    this.name = 'MessageFileError';
  }
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/** The line a key of a flat JSON object stands on (the first `"key":`), or 1. */
function lineOfKey(text: string, key: string): number {
  const match = new RegExp(`${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).exec(text);
  return match ? lineAt(text, match.index) : 1;
}

/** Where JSON.parse stopped: V8 names a position (and, from Node 22, a line). */
function lineOfJsonError(text: string, error: unknown): number | undefined {
  const said = error instanceof Error ? error.message : '';
  const line = /line (\d+)/.exec(said);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(said);
  if (position) return lineAt(text, Number(position[1]));
  return said.includes('end of JSON input') ? lineAt(text, text.length) : undefined;
}

/** The shipped message files: `messages/` in the nearest ancestor folder (source, build and bench trees alike). */
export function shippedMessagesRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'messages', 'en'))) return join(dir, 'messages');
    if (dirname(dir) === dir) throw new Error(`no messages/ folder above ${from}`);
  }
}

/** The languages a root holds: one sub-folder each. */
export function languagesIn(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Every message of one language folder's `<domain>.json` files, as written, with where it stands. */
function* entriesOf(folder: string): Generator<{ file: string; line: () => number; key: string; local: string; text: string }> {
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(folder, name);
    const domain = name.slice(0, -'.json'.length);
    const { value, source } = readJsonObject(file);
    for (const [local, text] of Object.entries(value)) {
      const line = () => lineOfKey(source, local);
      if (typeof text !== 'string') throw new MessageFileError(file, `"${local}" is not a string`, line());
      yield { file, line, key: `${domain}.${local}`, local, text };
    }
  }
}

/** Reads and parses every `<domain>.json` of one language folder. */
export function readLanguage(folder: string): MessageSet {
  const set: MessageSet = new Map();
  for (const { file, line, key, local, text } of entriesOf(folder)) set.set(key, parseMessage(file, line(), local, text));
  return set;
}

/** Reads the texts of one language folder without parsing them (files that the test suite has checked). */
export function readTexts(folder: string): Map<string, string> {
  const texts = new Map<string, string>();
  for (const { key, text } of entriesOf(folder)) texts.set(key, text);
  return texts;
}

function readJsonObject(file: string): { value: Record<string, unknown>; source: string } {
  let value: unknown;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MessageFileError(file, `not readable (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new MessageFileError(file, `not readable JSON (${error instanceof Error ? error.message : String(error)})`, lineOfJsonError(source, error));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MessageFileError(file, 'not a JSON object of messages', 1);
  return { value: value as Record<string, unknown>, source };
}

function parseMessage(file: string, line: number, key: string, text: string): ParsedMessage {
  try {
    const ast = parse(text, { ignoreTag: true, requiresOtherClause: true });
    return { file, line, text, ast, args: argumentsOf(ast) };
  } catch (error) {
    throw new MessageFileError(file, `"${key}" is not a valid ICU message (${error instanceof Error ? error.message : String(error)})`, line);
  }
}

/** The placeholders a message uses, with what each takes. */
export function argumentsOf(ast: MessageFormatElement[]): Map<string, Argument> {
  const args = new Map<string, Argument>();
  const note = (name: string, kind: ArgumentKind, optional: boolean) => {
    const seen = args.get(name);
    if (!seen) return void args.set(name, { kind, optional });
    seen.optional &&= optional;
    if (kind.kind === 'number' || seen.kind.kind === 'text') seen.kind = kind;
    else if (kind.kind === 'code' && seen.kind.kind === 'code') seen.kind = { kind: 'code', codes: [...new Set([...seen.kind.codes, ...kind.codes])].sort() };
  };
  const walk = (elements: MessageFormatElement[], optional: boolean) => {
    for (const el of elements) {
      switch (el.type) {
        case TYPE.argument: note(el.value, { kind: 'text' }, optional); break;
        case TYPE.number: note(el.value, { kind: 'number' }, optional); break;
        case TYPE.date:
        case TYPE.time: note(el.value, { kind: 'date' }, optional); break;
        case TYPE.plural:
          note(el.value, { kind: 'number' }, optional);
          for (const option of Object.values(el.options)) walk(option.value, optional);
          break;
        case TYPE.select:
          note(el.value, { kind: 'code', codes: Object.keys(el.options).sort() }, optional);
          for (const option of Object.values(el.options)) walk(option.value, true);
          break;
        case TYPE.tag: walk(el.children, optional); break;
        default: break;
      }
    }
  };
  walk(ast, false);
  return args;
}

/**
 * Whether a translation's placeholder fits what the reference promises callers: a number where the reference
 * takes a number, the same codes where the reference takes codes; plain text fits anything.
 */
function fits(reference: ArgumentKind, translation: ArgumentKind): boolean {
  if (translation.kind === 'text') return true;
  if (translation.kind === 'code') return reference.kind === 'code' && reference.codes.join('|') === translation.codes.join('|');
  return reference.kind === translation.kind;
}

function describe(args: Map<string, Argument>): string {
  return [...args.entries()].map(([name, arg]) => `${name}:${arg.kind.kind === 'code' ? arg.kind.codes.join('|') : arg.kind.kind}`).sort().join(', ');
}

/**
 * Checks one language against the reference (English): the same keys, and each message with the same
 * placeholders taking the same kinds of value. `partial` allows missing keys (an override file replaces some).
 */
export function checkAgainst(reference: MessageSet, set: MessageSet, options: { partial: boolean; where: string }): void {
  for (const [key, message] of set) {
    const expected = reference.get(key);
    if (!expected) throw new MessageFileError(message.file, `"${key}" is not a known message`, message.line);
    const names = (args: Map<string, Argument>) => [...args.keys()].sort().join(',');
    const same = names(expected.args) === names(message.args) &&
      [...message.args].every(([name, arg]) => { const want = expected.args.get(name); return want !== undefined && fits(want.kind, arg.kind); });
    if (!same) throw new MessageFileError(message.file, `"${key}" has the placeholders {${describe(message.args)}} but needs {${describe(expected.args)}}`, message.line);
  }
  if (options.partial) return;
  const missing = [...reference.keys()].filter((key) => !set.has(key));
  if (missing.length) throw new MessageFileError(options.where, `missing messages: ${missing.join(', ')}`);
}
