// `npm run build`, after the compiler: writes dist/password-policy/strength-dictionaries.bin, the strength
// dictionaries a start reads instead of building them (src/password-policy/strength-dictionary-file.ts).
import { writeStrengthDictionaryFile } from '../dist/password-policy/strength-dictionaries.js';

writeStrengthDictionaryFile();
