import type { LanguageWords } from './language-words.js';

export const en: LanguageWords = {
  seasons: ['spring', 'summer', 'autumn', 'winter'],
  months: ['january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  weekdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'weekend'],
  workplace: ['welcome', 'password', 'company', 'office', 'holiday', 'holidays', 'christmas', 'birthday', 'payroll', 'finance'],
};
