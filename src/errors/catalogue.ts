/**
 * Every error the service can answer with: a stable code, its HTTP status, and the sentence a person reads,
 * in every supported language. Codes are a public contract (API clients and the doctor key on them):
 * add new ones, never rename.
 */
export interface CatalogueEntry {
  status: number;
  en: string;
  de: string;
}

export const errorCatalogue = {
  'invalid-request': {
    status: 400,
    en: 'The request is not valid: {detail}',
    de: 'Die Anfrage ist ungültig: {detail}',
  },
  'malformed-json': {
    status: 400,
    en: 'The request body is not valid JSON.',
    de: 'Der Inhalt der Anfrage ist kein gültiges JSON.',
  },
  'payload-too-large': {
    status: 413,
    en: 'The request is too large.',
    de: 'Die Anfrage ist zu groß.',
  },
  'unsupported-media-type': {
    status: 415,
    en: 'Send this request as application/json.',
    de: 'Senden Sie diese Anfrage als application/json.',
  },
  'not-found': {
    status: 404,
    en: 'There is nothing at this address.',
    de: 'Unter dieser Adresse gibt es nichts.',
  },
  'method-not-allowed': {
    status: 405,
    en: 'This address does not accept that kind of request.',
    de: 'Diese Adresse nimmt diese Art von Anfrage nicht an.',
  },
  'csrf-invalid': {
    status: 403,
    en: 'The form has expired or was not sent from this site. Reload the page and try again.',
    de: 'Das Formular ist abgelaufen oder wurde nicht von dieser Seite gesendet. Laden Sie die Seite neu und versuchen Sie es erneut.',
  },
  'rate-limited': {
    status: 429,
    en: 'Too many requests. Wait a minute and try again.',
    de: 'Zu viele Anfragen. Warten Sie eine Minute und versuchen Sie es erneut.',
  },
  'flow-invalid': {
    status: 404,
    en: 'This password reset has expired or does not exist. Please start again.',
    de: 'Dieses Zurücksetzen des Kennworts ist abgelaufen oder existiert nicht. Bitte beginnen Sie von vorn.',
  },
  'flow-step-out-of-order': {
    status: 409,
    en: 'This step is not available yet: {expected}',
    de: 'Dieser Schritt ist noch nicht möglich: {expected}',
  },
  'flow-completed': {
    status: 409,
    en: 'This password reset is already complete. Sign in with your new password.',
    de: 'Dieses Zurücksetzen ist bereits abgeschlossen. Melden Sie sich mit Ihrem neuen Kennwort an.',
  },
  'method-unknown': {
    status: 400,
    en: 'This verification method is not offered for this reset.',
    de: 'Diese Überprüfungsmethode wird für dieses Zurücksetzen nicht angeboten.',
  },
  'code-send-limit': {
    status: 429,
    en: 'Too many codes were requested for this reset. Please start again later.',
    de: 'Für dieses Zurücksetzen wurden zu viele Codes angefordert. Bitte beginnen Sie später von vorn.',
  },
  'code-not-sent': {
    status: 409,
    en: 'No code has been sent for this method yet. Request a code first.',
    de: 'Für diese Methode wurde noch kein Code gesendet. Fordern Sie zuerst einen Code an.',
  },
  'code-malformed': {
    status: 400,
    en: 'Enter the {length}-digit code from the message.',
    de: 'Geben Sie den {length}-stelligen Code aus der Nachricht ein.',
  },
  'code-wrong': {
    status: 400,
    en: 'That code is not correct. {remaining} tries left for this code.',
    de: 'Dieser Code ist nicht korrekt. Noch {remaining} Versuche für diesen Code.',
  },
  'code-expired': {
    status: 400,
    en: 'This code has expired or was already used. Request a new code.',
    de: 'Dieser Code ist abgelaufen oder wurde bereits verwendet. Fordern Sie einen neuen Code an.',
  },
  'code-attempts-exhausted': {
    status: 400,
    en: 'Too many wrong tries for this code. Request a new code.',
    de: 'Zu viele falsche Versuche für diesen Code. Fordern Sie einen neuen Code an.',
  },
  'writeback-too-short': {
    status: 400,
    en: 'Your organisation\'s directory refused this password: it is shorter than its policy allows. Choose a longer one.',
    de: 'Das Verzeichnis Ihrer Organisation hat dieses Kennwort abgelehnt: Es ist kürzer als erlaubt. Wählen Sie ein längeres.',
  },
  'writeback-not-complex': {
    status: 400,
    en: 'Your organisation\'s directory refused this password: it needs three of upper-case letters, lower-case letters, digits and other characters, and must not contain your account name.',
    de: 'Das Verzeichnis Ihrer Organisation hat dieses Kennwort abgelehnt: Es braucht drei von Großbuchstaben, Kleinbuchstaben, Ziffern und Sonderzeichen und darf Ihren Kontonamen nicht enthalten.',
  },
  'writeback-in-history': {
    status: 400,
    en: 'Your organisation\'s directory refused this password: you have used it recently. Choose one you have not used before.',
    de: 'Das Verzeichnis Ihrer Organisation hat dieses Kennwort abgelehnt: Sie haben es kürzlich verwendet. Wählen Sie ein neues.',
  },
  'writeback-too-young': {
    status: 400,
    en: 'Your organisation\'s directory does not allow another password change yet (minimum password age). Try again later or contact your help desk.',
    de: 'Das Verzeichnis Ihrer Organisation erlaubt noch keine weitere Kennwortänderung (Mindestalter des Kennworts). Versuchen Sie es später oder wenden Sie sich an Ihren Helpdesk.',
  },
  'writeback-policy': {
    status: 400,
    en: 'Your organisation\'s directory refused this password under its own policy. Choose a longer, less common one.',
    de: 'Das Verzeichnis Ihrer Organisation hat dieses Kennwort nach seiner eigenen Richtlinie abgelehnt. Wählen Sie ein längeres, weniger gängiges.',
  },
  'writeback-protected-account': {
    status: 403,
    en: 'This is a protected administrator account: it cannot be reset by self-service. Reset it on premises or contact your help desk.',
    de: 'Dies ist ein geschütztes Administratorkonto: Es kann nicht per Selbstbedienung zurückgesetzt werden. Setzen Sie es lokal zurück oder wenden Sie sich an Ihren Helpdesk.',
  },
  'writeback-refused': {
    status: 403,
    en: 'Your organisation\'s directory refused the change ({reason}). Your help desk can see the details.',
    de: 'Das Verzeichnis Ihrer Organisation hat die Änderung abgelehnt ({reason}). Ihr Helpdesk kann die Einzelheiten einsehen.',
  },
  'writeback-unavailable': {
    status: 503,
    en: 'We cannot reach your organisation\'s directory right now, so your password was not changed. Please try again in a few minutes.',
    de: 'Das Verzeichnis Ihrer Organisation ist gerade nicht erreichbar, daher wurde Ihr Kennwort nicht geändert. Bitte versuchen Sie es in einigen Minuten erneut.',
  },
  'writeback-disabled': {
    status: 403,
    en: 'Password writeback to your organisation\'s directory is switched off, so your password cannot be changed here. Contact your help desk.',
    de: 'Das Zurückschreiben von Kennwörtern in das Verzeichnis Ihrer Organisation ist ausgeschaltet, daher kann Ihr Kennwort hier nicht geändert werden. Wenden Sie sich an Ihren Helpdesk.',
  },
  'writeback-no-agent': {
    status: 503,
    en: 'No connection to your organisation\'s directory is online right now, so your password was not changed. Please try again later.',
    de: 'Gerade besteht keine Verbindung zum Verzeichnis Ihrer Organisation, daher wurde Ihr Kennwort nicht geändert. Bitte versuchen Sie es später erneut.',
  },
  'writeback-unconfirmed': {
    status: 504,
    en: 'Your organisation\'s directory did not confirm the change in time. Your password may or may not have changed: try signing in with the new one, and if that fails, start again.',
    de: 'Das Verzeichnis Ihrer Organisation hat die Änderung nicht rechtzeitig bestätigt. Ihr Kennwort wurde möglicherweise geändert: Melden Sie sich mit dem neuen an; falls das nicht geht, beginnen Sie erneut.',
  },
  'writeback-wrong-old-password': {
    status: 400,
    en: 'Your current password is not right, so nothing was changed.',
    de: 'Ihr aktuelles Kennwort stimmt nicht, daher wurde nichts geändert.',
  },
  'agent-enrolment-refused': {
    status: 401,
    en: 'This enrolment token is not valid (unknown, expired, already used or made for another directory). Create a new one with "sspr agent token create".',
    de: 'Dieses Registrierungstoken ist ungültig (unbekannt, abgelaufen, bereits benutzt oder für ein anderes Verzeichnis erstellt). Erstellen Sie ein neues mit „sspr agent token create“.',
  },
  'captcha-failed': {
    status: 400,
    en: 'The automatic browser check did not pass ({reason}). Reload the page and try again.',
    de: 'Die automatische Browserprüfung ist fehlgeschlagen ({reason}). Laden Sie die Seite neu und versuchen Sie es erneut.',
  },
  throttled: {
    status: 429,
    en: 'Too many attempts to reset this password. You can try again after {until}.',
    de: 'Zu viele Versuche, dieses Kennwort zurückzusetzen. Sie können es nach {until} erneut versuchen.',
  },
  'sspr-enabled': {
    status: 403,
    en: 'Your administrator has not enabled self-service password reset for your account. Contact your help desk.',
    de: 'Ihr Administrator hat die Kennwort-Selbstbedienung für Ihr Konto nicht aktiviert. Wenden Sie sich an Ihren Helpdesk.',
  },
  'license-assigned': {
    status: 403,
    en: 'Your account has no licence that includes self-service password reset. Contact your help desk.',
    de: 'Ihrem Konto ist keine Lizenz mit Kennwort-Selbstbedienung zugewiesen. Wenden Sie sich an Ihren Helpdesk.',
  },
  'methods-registered': {
    status: 403,
    en: 'Additional security info is needed: register {required} verification method(s) under "My account" → Security info, then try again.',
    de: 'Weitere Sicherheitsinformationen sind nötig: Registrieren Sie {required} Überprüfungsmethode(n) unter „Mein Konto“ → Sicherheitsinformationen und versuchen Sie es erneut.',
  },
  'admin-policy': {
    status: 403,
    en: 'Administrators must verify two methods (security questions do not count). Register a second method under "My account" → Security info.',
    de: 'Administratoren müssen zwei Methoden bestätigen (Sicherheitsfragen zählen nicht). Registrieren Sie eine zweite Methode unter „Mein Konto“ → Sicherheitsinformationen.',
  },
  'account-state': {
    status: 403,
    en: 'This account is disabled. Contact your help desk.',
    de: 'Dieses Konto ist deaktiviert. Wenden Sie sich an Ihren Helpdesk.',
  },
  'answers-wrong': {
    status: 400,
    en: 'At least one answer is not correct.',
    de: 'Mindestens eine Antwort ist nicht korrekt.',
  },
  'totp-wrong': {
    status: 400,
    en: 'That code from your authenticator app is not correct, or was already used. Wait for the next code.',
    de: 'Dieser Code aus Ihrer Authenticator-App ist nicht korrekt oder wurde bereits verwendet. Warten Sie auf den nächsten Code.',
  },
  'recovery-code-wrong': {
    status: 400,
    en: 'That recovery code is not valid or was already used.',
    de: 'Dieser Wiederherstellungscode ist ungültig oder wurde bereits verwendet.',
  },
  'passkey-failed': {
    status: 400,
    en: 'The passkey could not be verified. Try again or use another method.',
    de: 'Der Passkey konnte nicht überprüft werden. Versuchen Sie es erneut oder verwenden Sie eine andere Methode.',
  },
  'method-forbidden': {
    status: 403,
    en: 'Your organisation does not allow this verification method.',
    de: 'Ihre Organisation erlaubt diese Überprüfungsmethode nicht.',
  },
  'registration-invalid': {
    status: 400,
    en: 'This cannot be registered: {detail}',
    de: 'Dies kann nicht registriert werden: {detail}',
  },
  'password-rejected': {
    status: 400,
    en: 'This password cannot be used: {reasons}',
    de: 'Dieses Kennwort kann nicht verwendet werden: {reasons}',
  },
  'invalid-credentials': {
    status: 401,
    en: 'The user name or password is not correct.',
    de: 'Benutzername oder Kennwort ist nicht korrekt.',
  },
  'not-signed-in': {
    status: 401,
    en: 'Please sign in first.',
    de: 'Bitte melden Sie sich zuerst an.',
  },
  'admin-token-missing': {
    status: 401,
    en: 'This needs an administrator API token: send "Authorization: Bearer <token>" (create one with sspr admin token create).',
    de: 'Dafür ist ein Administrator-API-Token nötig: Senden Sie „Authorization: Bearer <Token>“ (erstellen mit sspr admin token create).',
  },
  'admin-token-invalid': {
    status: 401,
    en: 'The administrator API token is not valid (unknown, revoked or mistyped).',
    de: 'Das Administrator-API-Token ist ungültig (unbekannt, widerrufen oder falsch geschrieben).',
  },
  'admin-only': {
    status: 403,
    en: 'Only administrators may see this.',
    de: 'Nur Administratoren dürfen dies sehen.',
  },
  'sync-running': {
    status: 409,
    en: 'A directory sync is already running. Try again when it has finished.',
    de: 'Eine Verzeichnissynchronisierung läuft bereits. Versuchen Sie es erneut, wenn sie beendet ist.',
  },
  'doctor-failed': {
    status: 500,
    en: 'The doctor could not run: {detail}',
    de: 'Die Diagnose konnte nicht laufen: {detail}',
  },
  'user-exists': {
    status: 409,
    en: 'A user named "{username}" already exists.',
    de: 'Ein Benutzer namens „{username}“ existiert bereits.',
  },
  'user-not-found': {
    status: 404,
    en: 'There is no user named "{username}".',
    de: 'Es gibt keinen Benutzer namens „{username}“.',
  },
  'group-exists': {
    status: 409,
    en: 'A group named "{name}" already exists.',
    de: 'Eine Gruppe namens „{name}“ existiert bereits.',
  },
  'group-not-found': {
    status: 404,
    en: 'There is no group named "{name}".',
    de: 'Es gibt keine Gruppe namens „{name}“.',
  },
  'group-cycle': {
    status: 409,
    en: 'Group "{member}" already contains "{group}"; nesting it would make a loop.',
    de: 'Die Gruppe „{member}“ enthält bereits „{group}“; die Verschachtelung ergäbe eine Schleife.',
  },
  'config-invalid': {
    status: 500,
    en: 'The configuration is not valid: {detail}',
    de: 'Die Konfiguration ist ungültig: {detail}',
  },
  'master-key-mismatch': {
    status: 500,
    en: 'The master key from {source} does not open the keyring in the store at {store}: give this node the master key the other nodes use (SSPR_SECRETS_MASTER_KEY or SSPR_SECRETS_MASTER_KEY_FILE; the first node keeps it in DATA_DIR/secrets.json).',
    de: 'Der Hauptschlüssel aus {source} öffnet den Schlüsselbund im Speicher {store} nicht: Geben Sie diesem Knoten den Hauptschlüssel der anderen Knoten (SSPR_SECRETS_MASTER_KEY oder SSPR_SECRETS_MASTER_KEY_FILE; der erste Knoten hat ihn in DATA_DIR/secrets.json).',
  },
  'master-key-missing': {
    status: 500,
    en: 'This node has no master key, but the store at {store} already holds encrypted data: set SSPR_SECRETS_MASTER_KEY or SSPR_SECRETS_MASTER_KEY_FILE to the master key of the node that created it (a new key is never made for such a store).',
    de: 'Dieser Knoten hat keinen Hauptschlüssel, aber der Speicher {store} enthält schon verschlüsselte Daten: Setzen Sie SSPR_SECRETS_MASTER_KEY oder SSPR_SECRETS_MASTER_KEY_FILE auf den Hauptschlüssel des Knotens, der ihn angelegt hat (für einen solchen Speicher wird nie ein neuer Schlüssel erzeugt).',
  },
  'secrets-file-corrupt': {
    status: 500,
    en: 'The secrets file {file} is damaged ({detail}): restore it from a backup, or set SSPR_SECRETS_MASTER_KEY to the master key it held.',
    de: 'Die Schlüsseldatei {file} ist beschädigt ({detail}): Stellen Sie sie aus einer Sicherung wieder her oder setzen Sie SSPR_SECRETS_MASTER_KEY auf den Hauptschlüssel, den sie enthielt.',
  },
  'data-dir-not-writable': {
    status: 500,
    en: 'The folder {folder} cannot be written ({code}): give the user sspr runs as write access to it, or point SSPR_DATA_DIR (or SSPR_DATABASE_URL=sqlite:PATH) at a folder it may write.',
    de: 'In den Ordner {folder} kann nicht geschrieben werden ({code}): Geben Sie dem Benutzer, unter dem sspr läuft, Schreibrechte, oder richten Sie SSPR_DATA_DIR (oder SSPR_DATABASE_URL=sqlite:PFAD) auf einen beschreibbaren Ordner.',
  },
  'database-unreachable': {
    status: 500,
    en: 'The database at {location} refused the connection ({code}): start it, or correct SSPR_DATABASE_URL.',
    de: 'Die Datenbank unter {location} hat die Verbindung abgelehnt ({code}): Starten Sie sie oder korrigieren Sie SSPR_DATABASE_URL.',
  },
  'port-in-use': {
    status: 500,
    en: 'Port {port} on {host} is already in use by another program: stop that program, or choose another port with SSPR_PORT (or "port" in the config file).',
    de: 'Port {port} auf {host} wird schon von einem anderen Programm benutzt: Beenden Sie dieses Programm oder wählen Sie mit SSPR_PORT (oder "port" in der Konfigurationsdatei) einen anderen Port.',
  },
  'port-not-permitted': {
    status: 500,
    en: 'Port {port} on {host} may not be opened by this user ({code}): use a port above 1023 behind the reverse proxy, or grant CAP_NET_BIND_SERVICE.',
    de: 'Port {port} auf {host} darf dieser Benutzer nicht öffnen ({code}): Nutzen Sie hinter dem Reverse-Proxy einen Port über 1023 oder vergeben Sie CAP_NET_BIND_SERVICE.',
  },
  'service-unavailable': {
    status: 503,
    en: 'The service is not available right now. Please try again in a moment.',
    de: 'Der Dienst ist gerade nicht verfügbar. Bitte versuchen Sie es gleich noch einmal.',
  },
  internal: {
    status: 500,
    en: 'Something went wrong on our side. Please try again.',
    de: 'Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es erneut.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;
