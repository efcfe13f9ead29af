import type { LanguageWords } from './language-words.js';

export const ptBR: LanguageWords = {
  seasons: ['primavera', 'verão', 'verao', 'outono', 'inverno'],
  months: ['janeiro', 'fevereiro', 'março', 'marco', 'abril', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
  weekdays: ['segunda', 'terça', 'terca', 'quarta', 'quinta', 'sexta', 'sábado', 'sabado', 'domingo', 'feriado'],
  workplace: [
    'senha', 'bemvindo', 'bem-vindo', 'empresa', 'escritório', 'escritorio', 'usuário', 'usuario', 'acesso',
    'segredo', 'férias', 'ferias', 'natal', 'aniversário', 'aniversario', 'brasil', 'flamengo', 'corinthians', 'palmeiras',
  ],
};
