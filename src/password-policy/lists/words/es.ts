import type { LanguageWords } from './language-words.js';

export const es: LanguageWords = {
  seasons: ['primavera', 'verano', 'otoño', 'otono', 'invierno'],
  months: ['enero', 'febrero', 'marzo', 'abril', 'junio', 'julio', 'agosto', 'septiembre', 'setiembre', 'octubre', 'noviembre', 'diciembre'],
  weekdays: ['lunes', 'martes', 'miércoles', 'miercoles', 'jueves', 'viernes', 'sábado', 'sabado', 'domingo'],
  workplace: [
    'contraseña', 'contrasena', 'clave', 'bienvenido', 'bienvenida', 'empresa', 'oficina', 'usuario', 'acceso',
    'vacaciones', 'navidad', 'cumpleaños', 'secreto', 'madrid', 'españa', 'espana',
  ],
};
