import type { LanguageWords } from './language-words.js';

export const pl: LanguageWords = {
  seasons: ['wiosna', 'jesień', 'jesien'],
  months: ['styczeń', 'styczen', 'marzec', 'kwiecień', 'kwiecien', 'czerwiec', 'lipiec', 'sierpień', 'sierpien', 'wrzesień', 'wrzesien', 'październik', 'pazdziernik', 'listopad', 'grudzień', 'grudzien'],
  weekdays: ['poniedziałek', 'poniedzialek', 'wtorek', 'środa', 'sroda', 'czwartek', 'piątek', 'piatek', 'sobota', 'niedziela', 'weekend'],
  workplace: [
    'hasło', 'haslo', 'witamy', 'witaj', 'firma', 'biuro', 'użytkownik', 'uzytkownik', 'dostęp', 'dostep',
    'tajne', 'wakacje', 'urlop', 'święta', 'swieta', 'urodziny', 'kocham', 'polska', 'warszawa', 'krakow', 'kraków',
  ],
};
