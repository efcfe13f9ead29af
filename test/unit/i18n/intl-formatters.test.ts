import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IntlMessageFormat } from 'intl-messageformat';
import { sharedIntlFormatters } from '../../../src/i18n/intl-formatters.js';
import { languages } from '../../../src/i18n/lang.js';

const formats = {
  date: { medium: { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' } },
  time: { short: { timeZone: 'UTC', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' } },
} as const;
const text = '{when, date, medium} {when, time, short} {when, date, ::yyyyMMMd} {n, plural, one {# day} other {# days}} {n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}} {n, number} {n, number, ::percent} {kind, select, a {A} other {O}}';

describe('shared Intl formatters', () => {
  it('format every language as intl-messageformat\'s own formatters do', () => {
    const formatters = sharedIntlFormatters();
    for (const lang of languages) {
      for (const n of [0, 1, 2, 3, 11, 22, 1234.5]) {
        const values = { when: new Date(Date.UTC(2026, 0, 2, 3, 4)), n, kind: 'a' };
        const own = new IntlMessageFormat(text, lang, formats).format(values);
        // Twice: the second call is served from the cache.
        const shared = new IntlMessageFormat(text, lang, formats, { formatters });
        assert.equal(shared.format(values), own, `${lang} ${n}`);
        assert.equal(shared.format(values), own, `${lang} ${n} (cached)`);
      }
    }
  });

  it('keeps one formatter per language and options object', () => {
    const formatters = sharedIntlFormatters();
    const options = { timeZone: 'UTC', year: 'numeric' } as const;
    assert.equal(formatters.getDateTimeFormat('en', options), formatters.getDateTimeFormat('en', options));
    assert.notEqual(formatters.getDateTimeFormat('en', options), formatters.getDateTimeFormat('de', options));
    assert.notEqual(formatters.getDateTimeFormat('en', options), formatters.getDateTimeFormat('en', { ...options }));
    assert.equal(formatters.getNumberFormat('fr'), formatters.getNumberFormat('fr'));
    assert.equal(formatters.getPluralRules('pl', { type: 'ordinal' }), formatters.getPluralRules('pl', { type: 'ordinal' }));
    assert.notEqual(formatters.getPluralRules('pl', { type: 'ordinal' }), formatters.getPluralRules('pl', { type: 'cardinal' }));
    assert.equal(formatters.getPluralRules('en', { type: 'cardinal', minimumFractionDigits: 2 }).resolvedOptions().minimumFractionDigits, 2);
  });
});
