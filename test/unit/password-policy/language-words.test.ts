import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { languages } from '../../../src/i18n/lang.js';
import { BannedTermIndex } from '../../../src/password-policy/banned-term-index.js';
import { evaluateBannedTerms } from '../../../src/password-policy/banned-terms.js';
import { GLOBAL_BANNED_TERMS } from '../../../src/password-policy/lists/global-banned.js';
import { wordsByLanguage } from '../../../src/password-policy/lists/words/index.js';

const index = BannedTermIndex.build(GLOBAL_BANNED_TERMS);

describe('banned words of every interface language', () => {
  it('each language has seasons, months, weekdays and workplace words, none shorter than four code points', () => {
    for (const lang of languages) {
      for (const [kind, words] of Object.entries(wordsByLanguage[lang])) {
        assert.ok(words.length >= 3, `${lang} ${kind}`);
        for (const word of words) assert.ok([...word].length >= 4 && word === word.toLowerCase() && !/\s/.test(word), `${lang} "${word}"`);
      }
    }
  });

  it('a season, month or weekday with a year is built from banned terms in every language', () => {
    for (const password of ['Printemps2024!', 'Septembre2025', 'Verano2024!', 'Noviembre2025', 'Inverno2024', 'Lunedi2025!', 'Zomer2024!',
      'Maandag2025', 'Wiosna2024!', 'Poniedzialek1', 'Verão2024!', 'Janeiro2025', 'Sommar2024!', 'Lösenord2025', 'Natsuyasumi2024', 'Getsuyoubi1']) {
      const result = evaluateBannedTerms(password, index);
      assert.ok(result.termsFound.length > 0 && !result.accepted, `${password}: ${JSON.stringify(result.termsFound)}`);
    }
  });

  it('a passphrase of ordinary words in these languages is not penalised for a near-miss', () => {
    for (const password of ['correct-horse-battery-staple', 'c0ntoso-team-2024-blue-kettle']) {
      assert.equal(evaluateBannedTerms(password, index).accepted, true, password);
    }
  });
});
