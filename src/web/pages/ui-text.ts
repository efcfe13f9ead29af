import type { Lang } from '../../i18n/lang.js';
import { format } from '../../i18n/lang.js';

/** Every sentence the pages show, in every supported language. */
const text = {
  'lang.name': { en: 'English', de: 'Deutsch' },
  'nav.skip': { en: 'Skip to content', de: 'Zum Inhalt springen' },
  'nav.language': { en: 'Language', de: 'Sprache' },
  'home.title': { en: 'Password self-service', de: 'Kennwort-Selbstbedienung' },
  'home.intro': {
    en: 'Forgot your password? Reset it yourself in a minute. Know it? Sign in to manage your account.',
    de: 'Kennwort vergessen? Setzen Sie es in einer Minute selbst zurück. Sie kennen es? Melden Sie sich an, um Ihr Konto zu verwalten.',
  },
  'home.reset': { en: 'I forgot my password', de: 'Ich habe mein Kennwort vergessen' },
  'home.signin': { en: 'Sign in to My account', de: 'Bei „Mein Konto“ anmelden' },
  'reset.title': { en: 'Reset your password', de: 'Kennwort zurücksetzen' },
  'reset.username': { en: 'User name', de: 'Benutzername' },
  'reset.username.help': { en: 'The name you sign in with.', de: 'Der Name, mit dem Sie sich anmelden.' },
  'reset.next': { en: 'Next', de: 'Weiter' },
  'reset.method.title': { en: 'How should we check it is you?', de: 'Wie sollen wir prüfen, dass Sie es sind?' },
  'reset.method.email': { en: 'Email a code to {hint}', de: 'Code per E-Mail an {hint} senden' },
  'reset.method.send': { en: 'Send code', de: 'Code senden' },
  'reset.method.required': {
    en: 'You need to verify {required} method(s). Verified so far: {count}.',
    de: 'Sie müssen {required} Methode(n) bestätigen. Bisher bestätigt: {count}.',
  },
  'reset.code.title': { en: 'Enter your code', de: 'Code eingeben' },
  'reset.code.sent': {
    en: 'If the account exists, a code is on its way to {hint}. It is valid for {minutes} minutes.',
    de: 'Wenn das Konto existiert, ist ein Code an {hint} unterwegs. Er ist {minutes} Minuten gültig.',
  },
  'reset.code.label': { en: 'Code', de: 'Code' },
  'reset.code.verify': { en: 'Verify', de: 'Bestätigen' },
  'reset.code.resend': { en: 'Send a new code', de: 'Neuen Code senden' },
  'reset.password.title': { en: 'Choose a new password', de: 'Neues Kennwort wählen' },
  'reset.password.help': {
    en: 'At least {min} characters. Spaces and any characters are welcome; a few unrelated words make a strong password. Leave out your name, the organisation\'s name, seasons, years and common words.',
    de: 'Mindestens {min} Zeichen. Leerzeichen und alle Zeichen sind erlaubt; einige unzusammenhängende Wörter ergeben ein starkes Kennwort. Vermeiden Sie Ihren Namen, den Namen der Organisation, Jahreszeiten, Jahreszahlen und gängige Wörter.',
  },
  'reset.password.new': { en: 'New password', de: 'Neues Kennwort' },
  'reset.password.confirm': { en: 'Repeat the new password', de: 'Neues Kennwort wiederholen' },
  'reset.password.ok': { en: 'This password meets every rule.', de: 'Dieses Kennwort erfüllt alle Regeln.' },
  'reset.password.mismatch': { en: 'The two passwords are not the same.', de: 'Die beiden Kennwörter stimmen nicht überein.' },
  'reset.password.save': { en: 'Reset password', de: 'Kennwort zurücksetzen' },
  'reset.done.title': { en: 'Your password has been reset', de: 'Ihr Kennwort wurde zurückgesetzt' },
  'reset.done.text': {
    en: 'You can now sign in with your new password. We have sent a confirmation to your email address.',
    de: 'Sie können sich jetzt mit Ihrem neuen Kennwort anmelden. Wir haben eine Bestätigung an Ihre E-Mail-Adresse gesendet.',
  },
  'reset.restart': { en: 'Start again', de: 'Von vorn beginnen' },
  'signin.title': { en: 'Sign in', de: 'Anmelden' },
  'signin.password': { en: 'Password', de: 'Kennwort' },
  'signin.submit': { en: 'Sign in', de: 'Anmelden' },
  'signin.forgot': { en: 'Forgot your password?', de: 'Kennwort vergessen?' },
  'account.title': { en: 'My account', de: 'Mein Konto' },
  'account.profile': { en: 'Profile', de: 'Profil' },
  'account.username': { en: 'User name', de: 'Benutzername' },
  'account.displayName': { en: 'Name', de: 'Name' },
  'account.email': { en: 'Email', de: 'E-Mail' },
  'account.mobile': { en: 'Mobile phone', de: 'Mobiltelefon' },
  'account.none': { en: 'not set', de: 'nicht hinterlegt' },
  'account.securityInfo': { en: 'Security info', de: 'Sicherheitsinformationen' },
  'account.securityInfo.text': {
    en: 'Your email address is used to verify you when you reset your password.',
    de: 'Ihre E-Mail-Adresse wird verwendet, um Sie beim Zurücksetzen des Kennworts zu überprüfen.',
  },
  'account.signout': { en: 'Sign out', de: 'Abmelden' },
  'error.title': { en: 'Something needs your attention', de: 'Etwas erfordert Ihre Aufmerksamkeit' },
  'error.home': { en: 'Back to the start page', de: 'Zurück zur Startseite' },
  'outbox.title': { en: 'Demo outbox', de: 'Demo-Postausgang' },
  'outbox.text': {
    en: 'Demo mode only: mail the service has sent, newest first. This page does not exist outside demo mode.',
    de: 'Nur im Demo-Modus: vom Dienst gesendete E-Mails, neueste zuerst. Außerhalb des Demo-Modus gibt es diese Seite nicht.',
  },
  'outbox.empty': { en: 'No mail yet.', de: 'Noch keine E-Mails.' },
  'outbox.link': { en: 'Demo outbox (sent mail)', de: 'Demo-Postausgang (gesendete E-Mails)' },
} as const satisfies Record<string, Record<Lang, string>>;

export type TextKey = keyof typeof text;

export function t(lang: Lang, key: TextKey, params?: Record<string, string | number>): string {
  return format(text[key][lang], params);
}

export const uiTextKeys = Object.keys(text) as TextKey[];
