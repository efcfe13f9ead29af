/**
 * Supported interface languages as BCP 47 tags (RFC 5646), in the order the language switch shows them; the
 * first is the fallback. Each is a folder of messages/ with the same name, the `lang` attribute of a page and a
 * value of `?lang=`. Every per-language table (question texts, banned words, strength dictionaries) derives from
 * this list.
 */
export const languages = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'pt-BR', 'sv', 'ja'] as const;
export type Lang = (typeof languages)[number];

/** Longest Accept-Language header read, and most language ranges considered: the rest is ignored. */
const MAX_HEADER = 512;
const MAX_RANGES = 24;

const byLowerCase = new Map<string, Lang>(languages.map((lang) => [lang.toLowerCase(), lang]));

/** The primary subtag of a tag (`pt` of `pt-BR`), lower-case. */
function primary(tag: string): string {
  return tag.toLowerCase().split('-')[0] ?? '';
}

/**
 * The supported language a primary subtag falls back to: the language of that name, else the first regional
 * one listed (`pt` → `pt-BR`). Built from `languages`, so a language added there is matched here too.
 */
const byPrimary = new Map<string, Lang>();
for (const lang of languages) if (!byPrimary.has(primary(lang)) || lang.toLowerCase() === primary(lang)) byPrimary.set(primary(lang), lang);

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/**
 * The supported language a tag names, spelling ignored (`pt-br`, `PT-BR` → `pt-BR`), or undefined. Only whole
 * tags: an explicit choice is either one of ours or not a choice.
 */
export function langOf(value: unknown): Lang | undefined {
  return typeof value === 'string' && value.length <= 16 ? byLowerCase.get(value.toLowerCase()) : undefined;
}

/**
 * The best supported language for one language range of Accept-Language: the exact tag, else the language of
 * its primary subtag (`de-AT` → `de`, `en-GB` → `en`, `pt-PT` → `pt-BR`); `*` and unknown languages match none.
 */
export function matchRange(range: string): Lang | undefined {
  return byLowerCase.get(range.toLowerCase()) ?? byPrimary.get(primary(range));
}

/**
 * Picks the language: an explicit choice (query or cookie) wins, then the best Accept-Language match
 * (RFC 9110 §12.5.4: q-values honoured, equal q in header order, q=0 never), then the fallback (English).
 * Reads at most MAX_HEADER characters and MAX_RANGES ranges of the header.
 */
export function negotiateLang(explicit: unknown, acceptLanguage: string | undefined): Lang {
  const chosen = langOf(explicit);
  if (chosen) return chosen;
  if (!acceptLanguage) return languages[0];
  const ranked = acceptLanguage
    .slice(0, MAX_HEADER)
    .split(',', MAX_RANGES)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { lang: matchRange(tag.trim()), quality: Number.isFinite(quality) && quality <= 1 ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0 && entry.lang !== undefined)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked[0]?.lang ?? languages[0];
}
