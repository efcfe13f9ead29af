import type { LanguageWords } from './language-words.js';

export const sv: LanguageWords = {
  seasons: ['våren', 'sommar', 'sommaren', 'hösten', 'vinter', 'vintern'],
  months: ['januari', 'februari', 'april', 'augusti', 'september', 'oktober', 'november', 'december'],
  weekdays: ['måndag', 'mandag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'lordag', 'söndag', 'sondag', 'helgen'],
  workplace: [
    'lösenord', 'losenord', 'välkommen', 'valkommen', 'företag', 'foretag', 'kontor', 'användare', 'anvandare',
    'hemlig', 'semester', 'julafton', 'midsommar', 'födelsedag', 'sverige', 'stockholm', 'göteborg', 'goteborg',
  ],
};
