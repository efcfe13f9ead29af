/** Supported interface languages; the first is the fallback. */
export const languages = ['en', 'de'] as const;
export type Lang = (typeof languages)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/**
 * Picks the language: an explicit choice (query or cookie) wins, then the best Accept-Language match
 * (RFC 9110 §12.5.4, q-values honoured), then English.
 */
export function negotiateLang(explicit: unknown, acceptLanguage: string | undefined): Lang {
  if (isLang(explicit)) return explicit;
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { base: tag.toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked.find((entry) => isLang(entry.base))?.base as Lang | undefined ?? 'en';
}
