import type { LanguageWords } from './language-words.js';

export const nl: LanguageWords = {
  seasons: ['lente', 'voorjaar', 'zomer', 'herfst', 'najaar', 'winter'],
  months: ['januari', 'februari', 'maart', 'april', 'augustus', 'september', 'oktober', 'november', 'december'],
  weekdays: ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag', 'weekend'],
  workplace: [
    'wachtwoord', 'welkom', 'bedrijf', 'kantoor', 'gebruiker', 'inloggen', 'toegang', 'geheim', 'vakantie',
    'kerstmis', 'verjaardag', 'hallo', 'nederland', 'amsterdam', 'feyenoord', 'belgie', 'belgië',
  ],
};
