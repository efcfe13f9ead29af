import type { LanguageWords } from './language-words.js';

export const de: LanguageWords = {
  seasons: ['frühling', 'fruehling', 'fruhling', 'sommer', 'herbst', 'winter', 'frühjahr', 'fruehjahr'],
  months: ['januar', 'jänner', 'jaenner', 'februar', 'feber', 'märz', 'maerz', 'april', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'dezember'],
  weekdays: ['montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag', 'sonnabend', 'sonntag', 'wochenende', 'feierabend'],
  workplace: ['willkommen', 'kennwort', 'passwort', 'firma', 'unternehmen', 'urlaub', 'weihnachten', 'geburtstag', 'mitarbeiter', 'abteilung'],
};
