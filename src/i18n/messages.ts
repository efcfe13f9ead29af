import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { checkAgainst, languagesIn, MessageFileError, readLanguage, shippedMessagesRoot, type Argument, type MessageSet } from './message-files.js';
import { languages, type Lang } from './lang.js';
import type { MessageParams } from './message-params.js';

/** Every message key; the English files are the source (src/i18n/message-params.ts is generated from them). */
export type MessageKey = keyof MessageParams;

/** The parameters argument of a key: required when the message has a required placeholder. */
export type ParamsArg<K extends MessageKey> = Record<string, never> extends MessageParams[K]
  ? [params?: MessageParams[K]]
  : [params: MessageParams[K]];

/** The keys under a prefix, without it. */
export type Under<P extends string, K = MessageKey> = K extends `${P}${infer R}` ? R : never;

type Values = Record<string, string | number | Date>;

/**
 * `{at, date, medium}` and `{at, time, short}` in the reader's language; times in UTC with the zone named, so a
 * mail or a page says the same instant whatever the server's zone (a number is milliseconds since the epoch).
 */
const formats = {
  date: {
    short: { timeZone: 'UTC', year: '2-digit', month: 'numeric', day: 'numeric' },
    medium: { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' },
    long: { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' },
  },
  time: {
    short: { timeZone: 'UTC', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
    medium: { timeZone: 'UTC', hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' },
  },
} as const;

/** One language's message texts by full key (English where a translation lacks the key). */
type Texts = ReadonlyMap<string, string>;

function textsOf(set: MessageSet): Map<string, string> {
  return new Map([...set].map(([key, m]) => [key, m.text]));
}

/**
 * All messages of all languages. Every file is parsed and checked when the catalogue is built, but only the
 * texts are kept; a message is compiled the first time it is formatted in a language and kept compiled, so the
 * request path never parses twice and memory holds the messages in use, not ten languages of syntax trees
 * (about 30 MB of heap for the shipped files).
 */
export class MessageCatalogue {
  private readonly compiled = new Map<Lang, Map<string, IntlMessageFormat | string>>();

  private constructor(
    private readonly reference: MessageSet,
    private readonly texts: ReadonlyMap<Lang, Texts>,
  ) {}

  /**
   * The shipped files: every language of `languages` must exist as a folder, each message with the English
   * placeholders; a folder that is not in `languages` is an error too (it would be silently unused). A key a
   * translation lacks is shown in English, so a key just added to messages/en does not stop the service while its
   * translations are pending; the unit tests and `npm run messages:missing` list such keys.
   */
  static load(root: string = shippedMessagesRoot()): MessageCatalogue {
    const folders = languagesIn(root);
    const unlisted = folders.filter((folder) => !(languages as readonly string[]).includes(folder));
    if (unlisted.length) throw new MessageFileError(root, `language folder(s) ${unlisted.join(', ')} are not in the languages list (src/i18n/lang.ts)`);
    const reference = readLanguage(join(root, languages[0]));
    const english = textsOf(reference);
    const texts = new Map<Lang, Texts>();
    for (const lang of languages) {
      const set = lang === languages[0] ? reference : readLanguage(join(root, lang));
      checkAgainst(reference, set, { partial: lang !== languages[0], where: join(root, lang) });
      texts.set(lang, new Map([...english, ...textsOf(set)]));
    }
    return new MessageCatalogue(reference, texts);
  }

  /**
   * This catalogue with an operator's replacements from `<dir>/<lang>/<domain>.json` (same format, any subset
   * of keys and languages). A file that does not parse, a key that does not exist, or a placeholder that differs
   * from the shipped message is a MessageFileError naming the file.
   */
  withOverrides(dir: string): MessageCatalogue {
    const texts = new Map(this.texts);
    for (const folder of languagesIn(dir)) {
      const lang = languages.find((l) => l === folder);
      if (!lang) throw new MessageFileError(join(dir, folder), `"${folder}" is not a supported language (${languages.join(', ')})`);
      const replacements = readLanguage(join(dir, folder));
      checkAgainst(this.reference, replacements, { partial: true, where: join(dir, folder) });
      texts.set(lang, new Map([...(texts.get(lang) ?? []), ...textsOf(replacements)]));
    }
    return new MessageCatalogue(this.reference, texts);
  }

  /**
   * A message ready to format: its text when it has no placeholders (most page texts skip the formatter), else
   * a formatter over its syntax tree. The text parsed when the catalogue was built, so this parse cannot fail.
   */
  private compiledMessage(lang: Lang, key: string): IntlMessageFormat | string | undefined {
    let byKey = this.compiled.get(lang);
    if (!byKey) this.compiled.set(lang, (byKey = new Map()));
    const ready = byKey.get(key);
    if (ready !== undefined) return ready;
    const text = this.texts.get(lang)?.get(key);
    if (text === undefined) return undefined;
    const ast = parse(text, { ignoreTag: true, requiresOtherClause: true });
    const message = ast.every((el) => el.type === TYPE.literal) ? ast.map((el) => el.value).join('') : new IntlMessageFormat(ast, lang, formats, { ignoreTag: true });
    byKey.set(key, message);
    return message;
  }

  /** The message in `lang`, with its parameters. */
  format<K extends MessageKey>(lang: Lang, key: K, ...params: ParamsArg<K>): string {
    return this.formatAny(lang, key, params[0] as Values | undefined);
  }

  /** The keys of one domain (`'pages.'`), without that prefix. */
  keys<P extends string>(prefix: P): Under<P>[] {
    return [...this.reference.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)) as Under<P>[];
  }

  /** The placeholders the shipped (English) message takes, or null for an unknown key. */
  placeholdersOf(key: string): ReadonlyMap<string, Argument> | null {
    return this.reference.get(key)?.args ?? null;
  }

  /** Every key (full, with its domain). */
  allKeys(): string[] {
    return [...this.reference.keys()];
  }

  /** Whether a key built at run time (doctor findings) names a message. */
  has(key: string): key is MessageKey {
    return this.reference.has(key);
  }

  /**
   * Formats a key that may not exist ('' then). A placeholder without a value shows as the raw message,
   * so a missing parameter is noticed on the page instead of failing the request.
   */
  formatAny(lang: Lang, key: string, params: Values = {}): string {
    const message = this.compiledMessage(lang, key);
    if (message === undefined) return '';
    if (typeof message === 'string') return message;
    try {
      return String(message.format(params));
    } catch {
      return this.texts.get(lang)?.get(key) ?? '';
    }
  }
}

/** The shipped catalogue, loaded and compiled once. */
export const shippedMessages = MessageCatalogue.load();

/** The catalogue in use: the shipped one, or the shipped one with the operator's texts (`useCatalogue`). */
export let messages = shippedMessages;

/** Puts a catalogue in use for every later lookup (the operator's templates at start-up). */
export function useCatalogue(catalogue: MessageCatalogue): void {
  messages = catalogue;
}

/** The one typed lookup: a message in the reader's language. */
export function message<K extends MessageKey>(lang: Lang, key: K, ...params: ParamsArg<K>): string {
  return messages.format(lang, key, ...params);
}

type DomainOf<K> = K extends `${infer D}.${string}` ? D : never;

/** A catalogue domain: one message file per language (`messages/<lang>/<domain>.json`), the keys' first segment. */
export type Domain = DomainOf<MessageKey>;

/** A domain's typed lookup: keys without the `<domain>.` prefix, each key's parameters checked by the compiler. */
export type DomainText<D extends Domain> = <K extends Under<`${D}.`>>(lang: Lang, key: K, ...params: ParamsArg<`${D}.${K}` & MessageKey>) => string;

/** The one typed lookup of a domain, over `message` (pages `t`, experience `x`, console `ct`, doctor report `dt`). */
export function domainText<D extends Domain>(domain: D): DomainText<D> {
  return (lang, key, ...params) => messages.format(lang, `${domain}.${key}` as MessageKey, ...(params as [never]));
}
