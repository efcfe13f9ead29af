import type { LanguageWords } from './language-words.js';

/** Japanese passwords are mostly typed in rōmaji: the words here are spelled both ways. */
export const ja: LanguageWords = {
  seasons: ['natsu', 'haruyasumi', 'natsuyasumi', 'fuyuyasumi', 'はるやすみ', 'なつやすみ'],
  months: ['ichigatsu', 'nigatsu', 'sangatsu', 'shigatsu', 'gogatsu', 'rokugatsu', 'shichigatsu', 'hachigatsu', 'kugatsu', 'juugatsu', 'juuichigatsu', 'juunigatsu'],
  weekdays: ['getsuyoubi', 'kayoubi', 'suiyoubi', 'mokuyoubi', 'kinyoubi', 'doyoubi', 'nichiyoubi', 'げつようび', 'きんようび', 'にちようび'],
  workplace: [
    'pasuwaado', 'パスワード', 'himitsu', 'kaisha', 'shigoto', 'youkoso', 'konnichiwa', 'ohayou', 'arigatou',
    'sakura', 'tokyo', 'toukyou', 'osaka', 'oosaka', 'nippon', 'daisuki', 'aishiteru', 'ganbatte',
  ],
};
