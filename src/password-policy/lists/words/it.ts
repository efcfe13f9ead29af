import type { LanguageWords } from './language-words.js';

export const it: LanguageWords = {
  seasons: ['primavera', 'estate', 'autunno', 'inverno'],
  months: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  weekdays: ['lunedì', 'lunedi', 'martedì', 'martedi', 'mercoledì', 'mercoledi', 'giovedì', 'giovedi', 'venerdì', 'venerdi', 'sabato', 'domenica'],
  workplace: [
    'benvenuto', 'benvenuti', 'azienda', 'ufficio', 'utente', 'accesso', 'segreto', 'vacanze', 'natale',
    'compleanno', 'amore', 'tiamo', 'italia', 'roma', 'milano', 'juventus', 'forzainter', 'forzamilan',
  ],
};
