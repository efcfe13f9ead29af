import type { Formatters } from 'intl-messageformat';

type Locales = Intl.LocalesArgument;

/** A language's key: the tag, or the tags of a list joined. */
function localeKey(locales: Locales): string {
  if (locales === undefined || typeof locales === 'string') return locales ?? '';
  return Array.isArray(locales) ? locales.map(String).join('\0') : String(locales);
}

/** Options objects are kept by identity; calls without options share one slot. */
const NO_OPTIONS = {};

/** One value per language and options object, built on first use. */
function cacheBy<O extends object, T>(build: (locales: Locales, options: O | undefined) => T): (locales: Locales, options?: O) => T {
  const byLocale = new Map<string, WeakMap<object, T>>();
  return (locales, options) => {
    const key = localeKey(locales);
    let byOptions = byLocale.get(key);
    if (!byOptions) byLocale.set(key, (byOptions = new WeakMap()));
    const slot = options ?? NO_OPTIONS;
    let value = byOptions.get(slot);
    if (value === undefined) byOptions.set(slot, (value = build(locales, options)));
    return value;
  };
}

/** Whether plural-rule options name at most the rule type. */
function onlyType(options: Intl.PluralRulesOptions | undefined): boolean {
  for (const name in options) if (name !== 'type') return false;
  return true;
}

/**
 * The Intl formatters of every compiled message (intl-messageformat's `formatters` option), shared by all of them.
 * A message asks for its formatters on every format call, with the same options objects each time (its merged
 * `formats` and its syntax tree's skeleton options, never changed once compiled); intl-messageformat's own memo
 * keys each such call by JSON.stringify of its arguments, these by the language and the options object itself.
 * Plural rules are asked for with a new `{ type }` object each call: they are keyed by that type.
 */
export function sharedIntlFormatters(): Formatters {
  const numberFormat = cacheBy((locales, options: Intl.NumberFormatOptions | undefined) => new Intl.NumberFormat(locales, options));
  const dateTimeFormat = cacheBy((locales, options: Intl.DateTimeFormatOptions | undefined) => new Intl.DateTimeFormat(locales, options));
  const pluralRules = new Map<string, Intl.PluralRules>();
  return {
    getNumberFormat: (locales, options) => numberFormat(locales, options as Intl.NumberFormatOptions | undefined),
    getDateTimeFormat: (locales, options) => dateTimeFormat(locales, options),
    getPluralRules: (locales, options) => {
      // Only the rule type is ever given (cardinal or ordinal); other options would need a key of their own.
      if (!onlyType(options)) return new Intl.PluralRules(locales, options);
      const key = `${localeKey(locales)}\0${options?.type ?? ''}`;
      let rules = pluralRules.get(key);
      if (!rules) pluralRules.set(key, (rules = new Intl.PluralRules(locales, options)));
      return rules;
    },
  };
}
