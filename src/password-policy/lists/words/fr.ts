import type { LanguageWords } from './language-words.js';

export const fr: LanguageWords = {
  seasons: ['printemps', 'automne', 'hiver'],
  months: ['janvier', 'février', 'fevrier', 'avril', 'juillet', 'septembre', 'octobre', 'novembre', 'décembre', 'decembre'],
  weekdays: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
  workplace: [
    'motdepasse', 'bienvenue', 'bonjour', 'société', 'societe', 'entreprise', 'bureau', 'utilisateur', 'connexion',
    'vacances', 'noël', 'joyeux', 'anniversaire', 'soleil', 'secret', 'changeme', 'azerty', 'france', 'paris',
  ],
};
