import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { checkAgainst, languagesIn, MessageFileError, readLanguage, readTexts, shippedMessagesRoot, type Argument, type MessageSet } from './message-files.js';
import { languages, type Lang } from './lang.js';
import { sharedIntlFormatters } from './intl-formatters.js';
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

/** The Intl formatters of every compiled message of every catalogue (intl-formatters.ts). */
const formatters = sharedIntlFormatters();

/** One language's message texts by full key (English where a translation lacks the key). */
type Texts = ReadonlyMap<string, string>;

function textsOf(set: MessageSet): Map<string, string> {
  return new Map([...set].map(([key, m]) => [key, m.text]));
}

/** Reads one language's texts (English where a translation lacks the key); called at most once per language. */
type TextsReader = (lang: Lang) => Texts;

/**
 * All messages of all languages, kept as texts; a message is compiled the first time it is formatted in a
 * language and kept compiled, so the request path never parses twice and memory holds the messages in use, not
 * ten languages of syntax trees. Parsing every shipped file costs a process about 50 MB of resident memory, so
 * the shipped catalogue (`shipped`) is read unparsed: its files are checked by the test suite with `load`, and
 * the operator's files, which no test saw, are checked in full by `withOverrides`. A shipped translation is read
 * on the first lookup in its language, so a process holds the texts of the languages its readers use.
 */
export class MessageCatalogue {
  private readonly compiled = new Map<Lang, Map<string, IntlMessageFormat | string>>();
  private readonly texts = new Map<Lang, Texts>();
  private parsedReference: MessageSet | undefined;

  private constructor(
    private readonly root: string,
    private readonly readTextsOf: TextsReader,
    reference?: MessageSet,
  ) {
    this.parsedReference = reference;
  }

  /**
   * Reads and checks a root: every language of `languages` must exist as a folder, each message a valid ICU
   * message with the English placeholders; a folder that is not in `languages` is an error too (it would be
   * silently unused). A key a translation lacks is shown in English, so a key just added to messages/en does not
   * stop the service while its translations are pending; the unit tests and `npm run messages:missing` list such
   * keys.
   */
  static load(root: string = shippedMessagesRoot()): MessageCatalogue {
    const reference = readLanguage(join(MessageCatalogue.checkedFolders(root), languages[0]));
    const english = textsOf(reference);
    const texts = new Map<Lang, Texts>();
    for (const lang of languages) {
      const set = lang === languages[0] ? reference : readLanguage(join(root, lang));
      checkAgainst(reference, set, { partial: lang !== languages[0], where: join(root, lang) });
      texts.set(lang, new Map([...english, ...textsOf(set)]));
    }
    return new MessageCatalogue(root, (lang) => texts.get(lang) as Texts, reference);
  }

  /**
   * The shipped files as texts, unparsed (see the class comment): English now, each translation on its first
   * lookup. The folders are checked now.
   */
  static shipped(root: string = shippedMessagesRoot()): MessageCatalogue {
    const english = readTexts(join(MessageCatalogue.checkedFolders(root), languages[0]));
    return new MessageCatalogue(root, (lang) => (lang === languages[0] ? english : new Map([...english, ...readTexts(join(root, lang))])));
  }

  private static checkedFolders(root: string): string {
    const unlisted = languagesIn(root).filter((folder) => !(languages as readonly string[]).includes(folder));
    if (unlisted.length) throw new MessageFileError(root, `language folder(s) ${unlisted.join(', ')} are not in the languages list (src/i18n/lang.ts)`);
    return root;
  }

  /** The English messages parsed: their placeholders are what every translation and override must match. */
  private get reference(): MessageSet {
    return (this.parsedReference ??= readLanguage(join(this.root, languages[0])));
  }

  private get english(): Texts {
    return this.textsOf(languages[0]);
  }

  private textsOf(lang: Lang): Texts {
    let texts = this.texts.get(lang);
    if (!texts) this.texts.set(lang, (texts = this.readTextsOf(lang)));
    return texts;
  }

  /**
   * This catalogue with an operator's replacements from `<dir>/<lang>/<domain>.json` (same format, any subset
   * of keys and languages). A file that does not parse, a key that does not exist, or a placeholder that differs
   * from the shipped message is a MessageFileError naming the file.
   */
  withOverrides(dir: string): MessageCatalogue {
    const replaced = new Map<Lang, Texts>();
    for (const folder of languagesIn(dir)) {
      const lang = languages.find((l) => l === folder);
      if (!lang) throw new MessageFileError(join(dir, folder), `"${folder}" is not a supported language (${languages.join(', ')})`);
      const replacements = readLanguage(join(dir, folder));
      checkAgainst(this.reference, replacements, { partial: true, where: join(dir, folder) });
      replaced.set(lang, textsOf(replacements));
    }
    const readTextsOf = (lang: Lang): Texts => {
      const replacements = replaced.get(lang);
      return replacements ? new Map([...this.textsOf(lang), ...replacements]) : this.textsOf(lang);
    };
    return new MessageCatalogue(this.root, readTextsOf, this.reference);
  }

  /**
   * A message ready to format: its text when it has no placeholders (most page texts skip the formatter), else
   * a formatter over its syntax tree; a text that does not parse (a shipped file edited in place) shows as written.
   */
  private compiledMessage(lang: Lang, key: string): IntlMessageFormat | string | undefined {
    let byKey = this.compiled.get(lang);
    if (!byKey) this.compiled.set(lang, (byKey = new Map()));
    const ready = byKey.get(key);
    if (ready !== undefined) return ready;
    const text = this.textsOf(lang).get(key);
    if (text === undefined) return undefined;
    let message: IntlMessageFormat | string;
    try {
      const ast = parse(text, { ignoreTag: true, requiresOtherClause: true });
      message = ast.every((el) => el.type === TYPE.literal) ? ast.map((el) => el.value).join('') : new IntlMessageFormat(ast, lang, formats, { ignoreTag: true, formatters });
    } catch {
      message = text;
    }
    byKey.set(key, message);
    return message;
  }

  /** The message in `lang`, with its parameters. */
  format<K extends MessageKey>(lang: Lang, key: K, ...params: ParamsArg<K>): string {
    return this.formatAny(lang, key, params[0] as Values | undefined);
  }

  /** The keys of one domain (`'pages.'`), without that prefix. */
  keys<P extends string>(prefix: P): Under<P>[] {
    return [...this.english.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)) as Under<P>[];
  }

  /** The placeholders the shipped (English) message takes, or null for an unknown key. */
  placeholdersOf(key: string): ReadonlyMap<string, Argument> | null {
    return this.reference.get(key)?.args ?? null;
  }

  /** Every key (full, with its domain). */
  allKeys(): string[] {
    return [...this.english.keys()];
  }

  /** Whether a key built at run time (doctor findings) names a message. */
  has(key: string): key is MessageKey {
    return this.english.has(key);
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
      return this.textsOf(lang).get(key) ?? '';
    }
  }
}

/** The shipped catalogue, read once; each message compiles on its first use. */
export const shippedMessages = MessageCatalogue.shipped();

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
