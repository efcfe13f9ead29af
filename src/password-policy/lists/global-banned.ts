/**
 * Global banned-term list: base words and patterns that attackers try first (in English and
 * German, plus each interface language's seasons, months, weekdays and workplace words from
 * lists/words/). Used for Entra-style fuzzy matching (see banned-terms.ts), so each term also bans
 * its one-edit variants and its leetspeak spellings ("Sommer", "s0mm3r", "sommmer").
 *
 * Guidelines for editing:
 * - Terms are normalised at load (normalize.ts); write them plainly in lower case.
 * - Terms shorter than 4 code points are ignored (as in Entra's custom list).
 * - Four-character terms also match three-character parts of a password ("asdf" ~ "asd"),
 *   so keep four-letter words to strong signals; ordinary short words ("team", "golf")
 *   would cost every passphrase points for nothing.
 */

import { LANGUAGE_BANNED_TERMS } from './words/index.js';

const PASSWORD_WORDS = [
  'password', 'passwort', 'passwd', 'passphrase', 'kennwort', 'kennung', 'geheim', 'geheimnis',
  'secret', 'letmein', 'welcome', 'willkommen', 'herzlich', 'admin', 'administrator', 'adminadmin',
  'root', 'login', 'logon', 'signin', 'anmelden', 'anmeldung', 'zugang', 'zugriff', 'access',
  'benutzer', 'nutzer', 'user', 'username', 'guest', 'gast', 'default', 'standard', 'changeme',
  'change', 'aendern', 'ändern', 'test', 'testing', 'tester', 'temp', 'temporary', 'master',
  'trustno', 'iloveyou', 'ichliebedich', 'liebe', 'love', 'lovely', 'hello', 'hallo', 'servus',
  'start', 'starten', 'neustart', 'newpassword', 'neuespasswort', 'oldpassword', 'pass', 'pwd123',
  'sesam', 'opensesame', 'abracadabra', 'whatever', 'nothing', 'nichts', 'private',
  'privat', 'sicher', 'sicherheit', 'security', 'secure', 'safety', 'mein', 'meins', 'admin123',
  'root123', 'test123', 'user123',
];

const KEYBOARD_AND_SEQUENCES = [
  'qwerty', 'qwertz', 'qwertyuiop', 'qwertzuiop', 'qwer', 'asdf', 'asdfgh', 'asdfghjkl', 'yxcv',
  'yxcvbnm', 'zxcv', 'zxcvbnm', 'qaywsx', 'qayxsw', 'qazwsx', '1qaz2wsx', '1q2w3e', '1q2w3e4r',
  'q1w2e3r4', 'q1w2e3', 'wasd', 'poiuztrewq', 'poiuytrewq', 'lkjhgfdsa', 'mnbvcxy', 'mnbvcxz',
  '1234', '12345', '123456', '1234567', '12345678', '123456789', '1234567890', '0123456789',
  '0987654321', '987654321', '4321', '54321', '654321', '123123', '123321', '112233', '121212',
  '147258', '147258369', '159753', '741852963', '789456', '789456123', '246810', '13579',
  'abcd', 'abcde', 'abcdef', 'abc123', 'abcd1234', '123!', '1234!', 'aaaa', 'xxxx', 'qqqq',
  '0000', '1111', '2222', '3333', '4444', '5555', '6666', '7777', '8888', '9999', '6969', '4711',
];

const SPORTS_AND_CLUBS = [
  'football', 'fussball', 'fußball', 'soccer', 'baseball', 'basketball', 'handball', 'volleyball',
  'hockey', 'eishockey', 'tennis', 'formel', 'ferrari', 'porsche', 'bayern', 'fcbayern',
  'bayernmuenchen', 'schalke', 'schalke04', 'borussia', 'dortmund', 'werder', 'hertha', 'eintracht',
  'bvb09', 'gladbach', 'leverkusen', 'wolfsburg', 'hoffenheim', 'freiburg', 'stpauli', 'hsv1887', 'rapidwien',
  'liverpool', 'arsenal', 'chelsea', 'tottenham', 'manchester', 'barcelona', 'realmadrid',
  'juventus', 'yankees', 'lakers', 'cowboys', 'steelers', 'patriots', 'redsox', 'olympia',
  'weltmeister', 'champion', 'champions',
];

const PLACES = [
  'germany', 'deutschland', 'austria', 'österreich', 'oesterreich', 'schweiz', 'switzerland',
  'europe', 'europa', 'america', 'england', 'london', 'berlin', 'hamburg', 'münchen', 'muenchen',
  'munchen', 'munich', 'köln', 'koeln', 'cologne', 'frankfurt', 'stuttgart', 'düsseldorf',
  'duesseldorf', 'leipzig', 'dresden', 'hannover', 'nürnberg', 'nuernberg', 'bremen', 'zürich',
  'zuerich',
];

const ORGANISATION_WORDS = [
  'sspr', 'selfservice', 'passwordreset', 'reset', 'company', 'firma', 'unternehmen', 'corporate',
  'corporation', 'gmbh', 'intern', 'internal', 'office', 'büro', 'buero', 'service', 'support',
  'helpdesk', 'servicedesk', 'intranet', 'extranet', 'portal', 'email', 'windows', 'microsoft',
  'office365', 'outlook', 'google', 'apple', 'linux', 'computer', 'laptop', 'server', 'domain',
  'network', 'netzwerk', 'system', 'systems', 'account', 'konto', 'mitarbeiter', 'employee',
  'personal', 'kunde', 'customer', 'projekt', 'project',
];

const COMMON_BASE_WORDS = [
  'dragon', 'monkey', 'shadow', 'sunshine', 'sonnenschein', 'princess', 'prinzessin', 'starwars',
  'superman', 'batman', 'spiderman', 'pokemon', 'killer', 'flower', 'blume', 'blumen', 'schatz',
  'schatzi', 'mausi', 'baby', 'angel', 'engel', 'freedom', 'freiheit', 'ninja', 'jesus',
  'christ', 'money', 'cheese', 'pepper', 'ginger', 'charlie', 'michael', 'jordan', 'thomas',
  'andreas', 'stefan', 'michelle', 'jennifer', 'daniel', 'alexander', 'maximilian', 'hunter',
  'ranger', 'buster', 'tigger', 'garfield', 'snoopy', 'matrix', 'danke', 'bitte', 'katze',
  'kitty', 'hunde', 'pferd', 'computer', 'internet', 'chocolate', 'schokolade', 'cookie',
  'banana', 'orange', 'purple', 'yellow', 'silver', 'golden', 'diamond', 'sommerzeit', 'winterzeit',
  'weihnachten', 'christmas', 'ostern', 'easter', 'birthday', 'geburtstag', 'family', 'familie',
  'mother', 'mutter', 'father', 'vater', 'sister', 'brother', 'bruder', 'schwester', 'forever',
  'immer', 'blink182', 'metallica', 'mustang', 'corvette', 'mercedes', 'volkswagen',
];

function years(from: number, to: number): string[] {
  const result: string[] = [];
  for (let year = from; year <= to; year++) result.push(String(year));
  return result;
}

export const GLOBAL_BANNED_TERMS: readonly string[] = [
  ...PASSWORD_WORDS,
  // Seasons, months, weekdays and workplace words of every interface language: lists/words/<lang>.ts.
  ...LANGUAGE_BANNED_TERMS,
  ...KEYBOARD_AND_SEQUENCES,
  ...SPORTS_AND_CLUBS,
  ...PLACES,
  ...ORGANISATION_WORDS,
  ...COMMON_BASE_WORDS,
  // Years (birth years, club foundings, recent years): "Sommer2024" should not pass as
  // "sommer" + 4 characters. Four characters, so exact matches only.
  ...years(1880, 2035),
];
