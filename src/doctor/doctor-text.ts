import { format, type Lang } from '../i18n/lang.js';
import type { CheckResult, Finding } from './doctor-types.js';

type Text = { en: string; de: string };

/**
 * Every sentence the doctor says, in English and German. `CHECK.KEY` is a summary, `CHECK.KEY.fix` its fix
 * (absent: nothing to do), `evidence.*` the pieces of evidence.
 */
const texts: Record<string, Text> = {
  'sspr-enabled.all': { en: 'Self-service reset is enabled for everyone.', de: 'Die Self-Service-Zurücksetzung ist für alle aktiviert.' },
  'sspr-enabled.in-group': { en: 'Self-service reset is enabled for group {group}, and the user is a member.', de: 'Die Self-Service-Zurücksetzung ist für die Gruppe {group} aktiviert, und der Benutzer ist Mitglied.' },
  'sspr-enabled.disabled-for-everyone': { en: 'Self-service reset is switched off for everyone.', de: 'Die Self-Service-Zurücksetzung ist für alle ausgeschaltet.' },
  'sspr-enabled.disabled-for-everyone.fix': { en: 'Enable it: sspr policy set enabled=all (or enabled=selected group=NAME).', de: 'Aktivieren Sie sie: sspr policy set enabled=all (oder enabled=selected group=NAME).' },
  'sspr-enabled.not-in-group': { en: 'Self-service reset is enabled only for group {group}, and the user is not a member (directly or nested).', de: 'Die Self-Service-Zurücksetzung ist nur für die Gruppe {group} aktiviert, und der Benutzer ist kein (auch kein verschachteltes) Mitglied.' },
  'sspr-enabled.not-in-group.fix': { en: 'Add the user or one of their groups to {group} (sspr group add-member), or enable it for all.', de: 'Nehmen Sie den Benutzer oder eine seiner Gruppen in {group} auf (sspr group add-member) oder aktivieren Sie es für alle.' },
  'sspr-enabled.selected': { en: 'Self-service reset is enabled for group {group} (nested membership counts).', de: 'Die Self-Service-Zurücksetzung ist für die Gruppe {group} aktiviert (verschachtelte Mitgliedschaft zählt).' },
  'sspr-enabled.group-missing': { en: 'Self-service reset is enabled for group {group}, which does not exist: nobody can reset.', de: 'Die Self-Service-Zurücksetzung ist für die Gruppe {group} aktiviert, die es nicht gibt: niemand kann zurücksetzen.' },
  'sspr-enabled.group-missing.fix': { en: 'Create the group or point the policy at an existing one.', de: 'Legen Sie die Gruppe an oder verweisen Sie die Richtlinie auf eine vorhandene.' },

  'license-assigned.not-required': { en: 'The policy does not require a licence.', de: 'Die Richtlinie verlangt keine Lizenz.' },
  'license-assigned.assigned': { en: 'The user holds a licence that includes self-service reset.', de: 'Der Benutzer hat eine Lizenz, die die Self-Service-Zurücksetzung enthält.' },
  'license-assigned.required': { en: 'The policy requires a licence (sspr, or sspr-writeback for directory accounts).', de: 'Die Richtlinie verlangt eine Lizenz (sspr oder sspr-writeback für Verzeichniskonten).' },
  'license-assigned.no-writeback-plan': { en: 'The user holds the plan "sspr" but not "sspr-writeback", although the account is managed in the directory.', de: 'Der Benutzer hat den Plan „sspr“, aber nicht „sspr-writeback“, obwohl das Konto im Verzeichnis verwaltet wird.' },
  'license-assigned.no-writeback-plan.fix': { en: 'Assign sspr-writeback, preferably to a group: sspr license assign sspr-writeback --group NAME.', de: 'Weisen Sie sspr-writeback zu, am besten einer Gruppe: sspr license assign sspr-writeback --group NAME.' },
  'license-assigned.no-licence': { en: 'The policy requires a licence and the user holds none, neither directly nor through a group.', de: 'Die Richtlinie verlangt eine Lizenz, und der Benutzer hat keine, weder direkt noch über eine Gruppe.' },
  'license-assigned.no-licence.fix': { en: 'Assign the licence, preferably group-based: sspr license assign sspr --group NAME (sspr-writeback for directory accounts).', de: 'Weisen Sie die Lizenz zu, am besten über eine Gruppe: sspr license assign sspr --group NAME (sspr-writeback für Verzeichniskonten).' },

  'writeback-enabled.cloud-only': { en: 'Cloud-only account: the password lives in this service, no writeback is needed.', de: 'Reines Cloud-Konto: Das Kennwort liegt in diesem Dienst, kein Zurückschreiben nötig.' },
  'writeback-enabled.on': { en: 'Writeback to the {source} directory is on ({mode} mode).', de: 'Das Zurückschreiben in das {source}-Verzeichnis ist eingeschaltet (Modus {mode}).' },
  'writeback-enabled.off': { en: 'The account is managed in the {source} directory, but writeback is switched off: a reset would be refused.', de: 'Das Konto wird im {source}-Verzeichnis verwaltet, aber das Zurückschreiben ist ausgeschaltet: Eine Zurücksetzung würde abgelehnt.' },
  'writeback-enabled.off.fix': { en: 'Turn writeback on: set writeback.enabled to true (SSPR_WRITEBACK_ENABLED=true) and restart.', de: 'Schalten Sie das Zurückschreiben ein: writeback.enabled auf true setzen (SSPR_WRITEBACK_ENABLED=true) und neu starten.' },
  'writeback-enabled.no-directory': { en: 'The account is managed in the {source} directory, but no directory is configured here.', de: 'Das Konto wird im {source}-Verzeichnis verwaltet, aber hier ist kein Verzeichnis konfiguriert.' },
  'writeback-enabled.no-directory.fix': { en: 'Configure the directory (the "directory" key) so the password can be written back.', de: 'Konfigurieren Sie das Verzeichnis (Schlüssel „directory“), damit das Kennwort zurückgeschrieben werden kann.' },
  'writeback-enabled.service-on': { en: 'Writeback to the {source} directory is on ({mode} mode).', de: 'Das Zurückschreiben in das {source}-Verzeichnis ist eingeschaltet (Modus {mode}).' },
  'writeback-enabled.service-none': { en: 'No directory is configured: only cloud-only accounts.', de: 'Kein Verzeichnis konfiguriert: nur reine Cloud-Konten.' },

  'agent-connected.direct': { en: 'Not applicable: writeback runs in direct mode (this server talks to the directory itself, no agent).', de: 'Nicht zutreffend: Das Zurückschreiben läuft im Direktmodus (dieser Server spricht selbst mit dem Verzeichnis, kein Agent).' },
  'agent-connected.cloud-only': { en: 'Not applicable: cloud-only account.', de: 'Nicht zutreffend: reines Cloud-Konto.' },
  'agent-connected.off': { en: 'Not applicable: writeback is off.', de: 'Nicht zutreffend: Das Zurückschreiben ist ausgeschaltet.' },
  'agent-connected.connected': { en: '{count} agent(s) for the {source} directory are connected with a fresh heartbeat.', de: '{count} Agent(en) für das {source}-Verzeichnis sind verbunden, mit aktuellem Lebenszeichen.' },
  'agent-connected.none-enrolled': { en: 'No agent is enrolled for the {source} directory: nothing can write passwords back.', de: 'Für das {source}-Verzeichnis ist kein Agent registriert: Nichts kann Kennwörter zurückschreiben.' },
  'agent-connected.none-enrolled.fix': { en: 'Enrol an agent next to the directory with a one-time token and start it.', de: 'Registrieren Sie einen Agenten neben dem Verzeichnis mit einem Einmal-Token und starten Sie ihn.' },
  'agent-connected.none-connected': { en: 'No agent for the {source} directory is online.', de: 'Kein Agent für das {source}-Verzeichnis ist online.' },
  'agent-connected.none-connected.fix': { en: 'Start or restart the agent and read its log.', de: 'Starten Sie den Agenten (neu) und lesen Sie sein Protokoll.' },
  'agent-connected.stale': { en: 'The agent(s) for the {source} directory missed their heartbeats (last {age} s ago, expected every {interval} s).', de: 'Die Agenten für das {source}-Verzeichnis haben ihre Lebenszeichen verpasst (zuletzt vor {age} s, erwartet alle {interval} s).' },
  'agent-connected.stale.fix': { en: 'Restart the agent; if it keeps happening, look for a proxy or firewall closing long connections.', de: 'Starten Sie den Agenten neu; wenn es wieder passiert, suchen Sie nach einem Proxy oder einer Firewall, die lange Verbindungen schließt.' },

  'agent-network.direct': { en: 'Not applicable: direct mode has no agent connection.', de: 'Nicht zutreffend: Der Direktmodus hat keine Agentenverbindung.' },
  'agent-network.cloud-only': { en: 'Not applicable: cloud-only account.', de: 'Nicht zutreffend: reines Cloud-Konto.' },
  'agent-network.off': { en: 'Not applicable: writeback is off.', de: 'Nicht zutreffend: Das Zurückschreiben ist ausgeschaltet.' },
  'agent-network.no-reports': { en: 'No agent has reported yet, so there is nothing to judge.', de: 'Noch kein Agent hat berichtet, daher gibt es nichts zu beurteilen.' },
  'agent-network.ok': { en: 'The agents reach this service without errors and their clocks agree.', de: 'Die Agenten erreichen diesen Dienst fehlerfrei, und ihre Uhren stimmen.' },
  'agent-network.errors-connected': { en: 'An agent is connected now but failed to reach this service before: {error}', de: 'Ein Agent ist jetzt verbunden, konnte diesen Dienst aber zuvor nicht erreichen: {error}' },
  'agent-network.errors-connected.fix': { en: 'Check DNS, proxy and TLS trust on the agent host; keep outbound 443 open.', de: 'Prüfen Sie DNS, Proxy und TLS-Vertrauen auf dem Agentenrechner; halten Sie ausgehend 443 offen.' },
  'agent-network.errors': { en: 'The agent cannot reach this service: {error}', de: 'Der Agent erreicht diesen Dienst nicht: {error}' },
  'agent-network.errors.fix': { en: 'Open outbound 443, set the proxy, trust the service\'s CA, and make sure the agent uses TLS 1.2 or later.', de: 'Öffnen Sie ausgehend 443, setzen Sie den Proxy, vertrauen Sie der Zertifizierungsstelle des Dienstes und sorgen Sie für TLS 1.2 oder neuer.' },
  'agent-network.clock-skew': { en: 'The clock of agent {agent} is off by {seconds} s.', de: 'Die Uhr des Agenten {agent} geht um {seconds} s falsch.' },
  'agent-network.clock-skew.fix': { en: 'Fix time synchronisation (NTP) on the agent host.', de: 'Richten Sie die Zeitsynchronisation (NTP) auf dem Agentenrechner ein.' },

  'directory-reachable.cloud-only': { en: 'Not applicable: cloud-only account.', de: 'Nicht zutreffend: reines Cloud-Konto.' },
  'directory-reachable.no-directory': { en: 'Not applicable: no directory is configured.', de: 'Nicht zutreffend: kein Verzeichnis konfiguriert.' },
  'directory-reachable.no-view': { en: 'No probe is available (no agent report and no direct connection).', de: 'Keine Prüfung möglich (kein Agentenbericht und keine direkte Verbindung).' },
  'directory-reachable.ok': { en: 'The directory answers over an encrypted connection and the service account can bind ({ms} ms).', de: 'Das Verzeichnis antwortet über eine verschlüsselte Verbindung, und das Dienstkonto kann sich anmelden ({ms} ms).' },
  'directory-reachable.unreachable': { en: 'The directory cannot be reached: {reason}.', de: 'Das Verzeichnis ist nicht erreichbar: {reason}.' },
  'directory-reachable.unreachable.fix': { en: 'Check the URL and port, the DC certificate (expired? trusted CA in caFile?) and that LDAPS or StartTLS is enabled.', de: 'Prüfen Sie URL und Port, das DC-Zertifikat (abgelaufen? vertraute Zertifizierungsstelle in caFile?) und ob LDAPS oder StartTLS aktiviert ist.' },
  'directory-reachable.not-encrypted': { en: 'The directory connection is not encrypted; passwords are never sent over it.', de: 'Die Verzeichnisverbindung ist nicht verschlüsselt; Kennwörter werden darüber nie gesendet.' },
  'directory-reachable.not-encrypted.fix': { en: 'Use an ldaps:// URL or set startTls: true.', de: 'Verwenden Sie eine ldaps://-URL oder setzen Sie startTls: true.' },
  'directory-reachable.bind-failed': { en: 'The directory answers, but the service account cannot bind: {reason}.', de: 'Das Verzeichnis antwortet, aber das Dienstkonto kann sich nicht anmelden: {reason}.' },
  'directory-reachable.bind-failed.fix': { en: 'Fix the service account\'s name and password (bindDn/bindUpn, bindPassword) and make sure it is enabled.', de: 'Korrigieren Sie Name und Kennwort des Dienstkontos (bindDn/bindUpn, bindPassword) und stellen Sie sicher, dass es aktiviert ist.' },

  'directory-permissions.cloud-only': { en: 'Not applicable: cloud-only account.', de: 'Nicht zutreffend: reines Cloud-Konto.' },
  'directory-permissions.no-inspection': { en: 'The rights could not be read: {reason}.', de: 'Die Rechte konnten nicht gelesen werden: {reason}.' },
  'directory-permissions.cannot-tell': { en: 'This directory does not report the service account\'s effective rights; no refusal for lack of rights was recorded.', de: 'Dieses Verzeichnis meldet die effektiven Rechte des Dienstkontos nicht; keine Ablehnung wegen fehlender Rechte wurde aufgezeichnet.' },
  'directory-permissions.denied-recorded': { en: 'The last writeback for this user was refused with "access denied".', de: 'Das letzte Zurückschreiben für diesen Benutzer wurde mit „Zugriff verweigert“ abgelehnt.' },
  'directory-permissions.denied-recorded.fix': { en: 'Give the service account write access to the password attributes (OpenLDAP: userPassword, pwdReset, pwdAccountLockedTime; manage on pwdFailureTime).', de: 'Geben Sie dem Dienstkonto Schreibrechte auf die Kennwortattribute (OpenLDAP: userPassword, pwdReset, pwdAccountLockedTime; manage auf pwdFailureTime).' },
  'directory-permissions.ok': { en: 'The service account holds every right a reset needs on this object.', de: 'Das Dienstkonto hat alle Rechte, die eine Zurücksetzung auf diesem Objekt braucht.' },
  'directory-permissions.missing': { en: 'The service account lacks on this object: {missing}.', de: 'Dem Dienstkonto fehlt auf diesem Objekt: {missing}.' },
  'directory-permissions.missing.fix': { en: 'Grant the listed rights to the service account on the users\' OU (or the domain root), inherited by user objects; re-enable inheritance on the object if it is disabled.', de: 'Gewähren Sie dem Dienstkonto die genannten Rechte auf der OU der Benutzer (oder dem Domänenstamm), vererbt an Benutzerobjekte; aktivieren Sie die Vererbung am Objekt wieder, falls sie ausgeschaltet ist.' },
  'directory-permissions.no-hints': { en: 'The domain controller does not support the policy-hints control: resets skip the password history.', de: 'Der Domänencontroller unterstützt das Policy-Hints-Control nicht: Zurücksetzungen umgehen den Kennwortverlauf.' },
  'directory-permissions.no-hints.fix': { en: 'Upgrade the domain controller (Windows Server 2012 or later advertises 1.2.840.113556.1.4.2239).', de: 'Aktualisieren Sie den Domänencontroller (ab Windows Server 2012 wird 1.2.840.113556.1.4.2239 angeboten).' },
  'directory-permissions.service-ok': { en: 'The directory supports what writeback needs.', de: 'Das Verzeichnis unterstützt, was das Zurückschreiben braucht.' },
  'directory-permissions.no-view': { en: 'Not checked: the directory could not be probed.', de: 'Nicht geprüft: Das Verzeichnis konnte nicht abgefragt werden.' },

  'user-linked.cloud-only': { en: 'Not applicable: cloud-only account.', de: 'Nicht zutreffend: reines Cloud-Konto.' },
  'user-linked.no-inspection': { en: 'The directory could not be searched: {reason}.', de: 'Das Verzeichnis konnte nicht durchsucht werden: {reason}.' },
  'user-linked.linked': { en: 'Exactly one directory object matches and it carries the synced anchor.', de: 'Genau ein Verzeichnisobjekt passt, und es trägt den synchronisierten Anker.' },
  'user-linked.not-found': { en: 'No object in the directory has this login name: "object not found".', de: 'Kein Objekt im Verzeichnis hat diesen Anmeldenamen: „Objekt nicht gefunden“.' },
  'user-linked.not-found.fix': { en: 'Check the account still exists in the directory, then run sspr sync --full.', de: 'Prüfen Sie, ob das Konto im Verzeichnis noch existiert, und führen Sie dann sspr sync --full aus.' },
  'user-linked.multiple': { en: '{matches} directory objects have this login name: "multiple matches".', de: '{matches} Verzeichnisobjekte haben diesen Anmeldenamen: „mehrere Treffer“.' },
  'user-linked.multiple.fix': { en: 'Make the login name unique in the directory (or narrow baseDn), then run sspr sync.', de: 'Machen Sie den Anmeldenamen im Verzeichnis eindeutig (oder engen Sie baseDn ein) und führen Sie dann sspr sync aus.' },
  'user-linked.anchor-mismatch': { en: 'The directory object with this name is not the one the sync linked (anchor differs).', de: 'Das Verzeichnisobjekt mit diesem Namen ist nicht das von der Synchronisierung verknüpfte (Anker weicht ab).' },
  'user-linked.anchor-mismatch.fix': { en: 'Run sspr sync --full to re-link the account.', de: 'Führen Sie sspr sync --full aus, um das Konto neu zu verknüpfen.' },
  'user-linked.no-anchor': { en: 'One directory object matches, but the sync recorded no anchor for this user.', de: 'Ein Verzeichnisobjekt passt, aber die Synchronisierung hat für diesen Benutzer keinen Anker gespeichert.' },
  'user-linked.no-anchor.fix': { en: 'Run sspr sync --full.', de: 'Führen Sie sspr sync --full aus.' },

  'methods-registered.enough': { en: '{registered} of {required} required method type(s) are registered.', de: '{registered} von {required} erforderlichen Methodentypen sind registriert.' },
  'methods-registered.too-few': { en: 'Only {registered} of {required} required method type(s) are registered: "additional security info is needed".', de: 'Nur {registered} von {required} erforderlichen Methodentypen sind registriert: „weitere Sicherheitsinformationen erforderlich“.' },
  'methods-registered.too-few.fix': { en: 'The user registers more methods under My account → Security info; an administrator can pre-fill e-mail or mobile.', de: 'Der Benutzer registriert weitere Methoden unter Mein Konto → Sicherheitsinformationen; ein Administrator kann E-Mail oder Mobilnummer vorbelegen.' },
  'methods-registered.admin': { en: 'Administrators follow the two-gate policy: see admin-policy.', de: 'Administratoren unterliegen der Zwei-Faktor-Richtlinie: siehe admin-policy.' },
  'methods-registered.policy-impossible': { en: 'The policy requires {required} method types but only {available} can be used ({types}): nobody can reset.', de: 'Die Richtlinie verlangt {required} Methodentypen, aber nur {available} sind nutzbar ({types}): niemand kann zurücksetzen.' },
  'methods-registered.policy-impossible.fix': { en: 'Allow more method types (sspr policy set methods=…) or configure the missing delivery (SMS gateway), or require fewer.', de: 'Erlauben Sie mehr Methodentypen (sspr policy set methods=…), richten Sie die fehlende Zustellung ein (SMS-Gateway) oder verlangen Sie weniger.' },
  'methods-registered.policy-ok': { en: 'The policy requires {required} of {available} usable method types ({types}).', de: 'Die Richtlinie verlangt {required} von {available} nutzbaren Methodentypen ({types}).' },

  'method-data-valid.ok': { en: 'Contact data is present and valid, and no delivery failed since the last success.', de: 'Kontaktdaten sind vorhanden und gültig, und seit dem letzten Erfolg ist keine Zustellung fehlgeschlagen.' },
  'method-data-valid.bad-phone': { en: 'The phone number {phone} cannot receive SMS: {reason}.', de: 'Die Telefonnummer {phone} kann keine SMS empfangen: {reason}.' },
  'method-data-valid.bad-phone.fix': { en: 'Correct the number in international format (+49 151 …) in the directory or under Security info.', de: 'Korrigieren Sie die Nummer im internationalen Format (+49 151 …) im Verzeichnis oder unter Sicherheitsinformationen.' },
  'method-data-valid.bad-email': { en: 'The e-mail address on file is not a valid address.', de: 'Die hinterlegte E-Mail-Adresse ist keine gültige Adresse.' },
  'method-data-valid.bad-email.fix': { en: 'Correct the address in the directory or under Security info.', de: 'Korrigieren Sie die Adresse im Verzeichnis oder unter Sicherheitsinformationen.' },
  'method-data-valid.no-contact': { en: 'No e-mail address and no phone number are on file.', de: 'Weder E-Mail-Adresse noch Telefonnummer sind hinterlegt.' },
  'method-data-valid.no-contact.fix': { en: 'Add an e-mail address or mobile number for the user.', de: 'Hinterlegen Sie eine E-Mail-Adresse oder Mobilnummer für den Benutzer.' },
  'method-data-valid.bouncing': { en: 'The last {channel} delivery to this user failed: {reason}.', de: 'Die letzte {channel}-Zustellung an diesen Benutzer ist fehlgeschlagen: {reason}.' },
  'method-data-valid.bouncing.fix': { en: 'Check the address or number, and the mail server / SMS gateway log.', de: 'Prüfen Sie Adresse oder Nummer sowie das Protokoll des Mailservers / SMS-Gateways.' },
  'method-data-valid.no-sms-gateway': { en: 'The user has a phone number but no SMS gateway is configured, so SMS codes cannot be sent.', de: 'Der Benutzer hat eine Telefonnummer, aber es ist kein SMS-Gateway eingerichtet; SMS-Codes können nicht gesendet werden.' },
  'method-data-valid.no-sms-gateway.fix': { en: 'Configure sms.provider, or remove SMS from the allowed methods.', de: 'Richten Sie sms.provider ein oder entfernen Sie SMS aus den erlaubten Methoden.' },
  'method-data-valid.service-ok': { en: 'Mail delivery is configured{sms}.', de: 'Die E-Mail-Zustellung ist eingerichtet{sms}.' },
  'method-data-valid.no-smtp': { en: 'No SMTP server is configured: e-mail codes cannot be delivered.', de: 'Kein SMTP-Server eingerichtet: E-Mail-Codes können nicht zugestellt werden.' },
  'method-data-valid.no-smtp.fix': { en: 'Set smtp.url (SSPR_SMTP_URL).', de: 'Setzen Sie smtp.url (SSPR_SMTP_URL).' },
  'method-data-valid.service-failures': { en: '{count} deliveries failed in the last 24 hours (last: {reason}).', de: '{count} Zustellungen sind in den letzten 24 Stunden fehlgeschlagen (zuletzt: {reason}).' },
  'method-data-valid.service-failures.fix': { en: 'Read the mail server / SMS gateway log; check credentials and sender.', de: 'Lesen Sie das Protokoll des Mailservers / SMS-Gateways; prüfen Sie Zugangsdaten und Absender.' },

  'registration-current.not-required': { en: 'The policy does not ask users to re-confirm their methods.', de: 'Die Richtlinie verlangt keine erneute Bestätigung der Methoden.' },
  'registration-current.nothing': { en: 'No registered methods to re-confirm.', de: 'Keine registrierten Methoden zu bestätigen.' },
  'registration-current.current': { en: 'Methods were confirmed within the last {days} days.', de: 'Die Methoden wurden in den letzten {days} Tagen bestätigt.' },
  'registration-current.overdue': { en: 'Methods were last confirmed {age} days ago; the policy asks every {days} days.', de: 'Die Methoden wurden zuletzt vor {age} Tagen bestätigt; die Richtlinie verlangt es alle {days} Tage.' },
  'registration-current.overdue.fix': { en: 'The user re-confirms at the next sign-in (My account → Security info).', de: 'Der Benutzer bestätigt bei der nächsten Anmeldung (Mein Konto → Sicherheitsinformationen).' },

  'admin-policy.not-admin': { en: 'Not an administrator: the two-gate policy does not apply.', de: 'Kein Administrator: Die Zwei-Faktor-Richtlinie gilt nicht.' },
  'admin-policy.enough': { en: 'Administrator with {registered} eligible method types (two required, security questions never count).', de: 'Administrator mit {registered} zulässigen Methodentypen (zwei erforderlich, Sicherheitsfragen zählen nie).' },
  'admin-policy.too-few': { en: 'Administrator with only {registered} eligible method type(s): two are required and security questions never count.', de: 'Administrator mit nur {registered} zulässigen Methodentyp(en): zwei sind erforderlich, und Sicherheitsfragen zählen nie.' },
  'admin-policy.too-few.fix': { en: 'Register two eligible methods (e.g. e-mail and an authenticator app or passkey).', de: 'Registrieren Sie zwei zulässige Methoden (z. B. E-Mail und eine Authenticator-App oder einen Passkey).' },
  'admin-policy.policy-impossible': { en: 'Administrators need two method types but the policy allows only {available} that count for them ({types}).', de: 'Administratoren brauchen zwei Methodentypen, aber die Richtlinie erlaubt nur {available}, die für sie zählen ({types}).' },
  'admin-policy.policy-impossible.fix': { en: 'Allow at least two method types other than security questions.', de: 'Erlauben Sie mindestens zwei Methodentypen außer Sicherheitsfragen.' },
  'admin-policy.policy-ok': { en: 'Administrators can meet the two-gate policy ({types}).', de: 'Administratoren können die Zwei-Faktor-Richtlinie erfüllen ({types}).' },

  'protected-account.cloud-only': { en: 'Not applicable: cloud-only account.', de: 'Nicht zutreffend: reines Cloud-Konto.' },
  'protected-account.no-inspection': { en: 'The account could not be read: {reason}.', de: 'Das Konto konnte nicht gelesen werden: {reason}.' },
  'protected-account.ok': { en: 'Not a protected account.', de: 'Kein geschütztes Konto.' },
  'protected-account.protected': { en: 'Protected directory account (adminCount=1 or member of a protected group): the directory refuses delegated resets by design.', de: 'Geschütztes Verzeichniskonto (adminCount=1 oder Mitglied einer geschützten Gruppe): Das Verzeichnis lehnt delegierte Zurücksetzungen bewusst ab.' },
  'protected-account.protected.fix': { en: 'Reset this account on-premises, or remove it from the protected group (adminCount stays 1 until cleared).', de: 'Setzen Sie dieses Konto lokal zurück oder entfernen Sie es aus der geschützten Gruppe (adminCount bleibt 1, bis es gelöscht wird).' },

  'unsupported-operation.cloud-only': { en: 'Cloud-only account: every password path applies.', de: 'Reines Cloud-Konto: Jeder Kennwortweg wirkt.' },
  'unsupported-operation.none': { en: 'No password was set for this user through this service.', de: 'Für diesen Benutzer wurde über diesen Dienst kein Kennwort gesetzt.' },
  'unsupported-operation.written-back': { en: 'The last password set ({event}, {at}) was written back to the directory.', de: 'Das zuletzt gesetzte Kennwort ({event}, {at}) wurde in das Verzeichnis zurückgeschrieben.' },
  'unsupported-operation.not-written-back': { en: 'The last password set ({event}, {at}) was not written back: it works here but not in the directory.', de: 'Das zuletzt gesetzte Kennwort ({event}, {at}) wurde nicht zurückgeschrieben: Es gilt hier, aber nicht im Verzeichnis.' },
  'unsupported-operation.not-written-back.fix': { en: 'Reset again through a path that writes back (the reset page, or the directory itself).', de: 'Setzen Sie es erneut über einen Weg zurück, der zurückschreibt (die Zurücksetzungsseite oder das Verzeichnis selbst).' },

  'account-state.ok': { en: 'The account is enabled, not locked, not expired.', de: 'Das Konto ist aktiviert, nicht gesperrt, nicht abgelaufen.' },
  'account-state.no-inspection': { en: 'The directory account could not be read: {reason}.', de: 'Das Verzeichniskonto konnte nicht gelesen werden: {reason}.' },
  'account-state.disabled': { en: 'The account is disabled.', de: 'Das Konto ist deaktiviert.' },
  'account-state.disabled.fix': { en: 'Enable the account (in the directory, or sspr user enable for cloud-only accounts).', de: 'Aktivieren Sie das Konto (im Verzeichnis oder mit sspr user enable für Cloud-Konten).' },
  'account-state.expired': { en: 'The account has expired.', de: 'Das Konto ist abgelaufen.' },
  'account-state.expired.fix': { en: 'Extend the account\'s expiry date in the directory.', de: 'Verlängern Sie das Ablaufdatum des Kontos im Verzeichnis.' },
  'account-state.locked': { en: 'The account is locked out; a reset will also unlock it.', de: 'Das Konto ist gesperrt; eine Zurücksetzung entsperrt es auch.' },
  'account-state.locked.fix': { en: 'Let the user reset (it unlocks), or unlock it in the directory.', de: 'Lassen Sie den Benutzer zurücksetzen (das entsperrt) oder entsperren Sie es im Verzeichnis.' },
  'account-state.must-change': { en: 'The account must change its password at next logon; a reset clears that.', de: 'Das Konto muss sein Kennwort bei der nächsten Anmeldung ändern; eine Zurücksetzung hebt das auf.' },
  'account-state.must-change.fix': { en: 'Explain to the user that a reset or a change at sign-in clears it.', de: 'Erklären Sie dem Benutzer, dass eine Zurücksetzung oder Änderung bei der Anmeldung es aufhebt.' },
  'account-state.password-expired': { en: 'The password has expired; a reset sets a new one.', de: 'Das Kennwort ist abgelaufen; eine Zurücksetzung setzt ein neues.' },
  'account-state.password-expired.fix': { en: 'Let the user reset.', de: 'Lassen Sie den Benutzer zurücksetzen.' },

  'password-policy.cloud-only': { en: 'Cloud-only account: this service\'s password policy applies.', de: 'Reines Cloud-Konto: Es gilt die Kennwortrichtlinie dieses Dienstes.' },
  'password-policy.no-inspection': { en: 'The directory policy could not be read: {reason}.', de: 'Die Verzeichnisrichtlinie konnte nicht gelesen werden: {reason}.' },
  'password-policy.ok': { en: 'The directory\'s password policy allows a reset now.', de: 'Die Kennwortrichtlinie des Verzeichnisses erlaubt jetzt eine Zurücksetzung.' },
  'password-policy.too-young': { en: 'The directory\'s minimum password age ({minAge}) has not passed since the last change: a new password is refused until {until}.', de: 'Das Mindestkennwortalter des Verzeichnisses ({minAge}) ist seit der letzten Änderung nicht vergangen: Ein neues Kennwort wird bis {until} abgelehnt.' },
  'password-policy.too-young.fix': { en: 'Set the minimum password age to 0 (ppolicy pwdMinAge / AD minPwdAge), or wait until the time shown.', de: 'Setzen Sie das Mindestkennwortalter auf 0 (ppolicy pwdMinAge / AD minPwdAge) oder warten Sie bis zur angegebenen Zeit.' },
  'password-policy.min-age-set': { en: 'The directory has a minimum password age ({minAge}): a second change within it would be refused.', de: 'Das Verzeichnis hat ein Mindestkennwortalter ({minAge}): Eine zweite Änderung innerhalb dieser Zeit würde abgelehnt.' },
  'password-policy.min-age-set.fix': { en: 'Set the minimum password age to 0 for self-service to work after a recent change.', de: 'Setzen Sie das Mindestkennwortalter auf 0, damit die Self-Service-Zurücksetzung nach einer kürzlichen Änderung funktioniert.' },
  'password-policy.stricter': { en: 'The directory is stricter than this service (minimum length {dirMin} vs {ourMin}); users learn the rule when typing.', de: 'Das Verzeichnis ist strenger als dieser Dienst (Mindestlänge {dirMin} statt {ourMin}); Benutzer erfahren die Regel beim Tippen.' },
  'password-policy.stricter.fix': { en: 'Raise password.minLength to match, so both say the same.', de: 'Erhöhen Sie password.minLength entsprechend, damit beide dasselbe sagen.' },
  'password-policy.last-refused': { en: 'The directory refused the last reset attempt: {reason}.', de: 'Das Verzeichnis hat den letzten Zurücksetzungsversuch abgelehnt: {reason}.' },
  'password-policy.last-refused.fix': { en: 'Explain the directory\'s rule to the user, or relax it.', de: 'Erklären Sie dem Benutzer die Regel des Verzeichnisses oder lockern Sie sie.' },

  'throttled.ok': { en: 'No active block.', de: 'Keine aktive Sperre.' },
  'throttled.blocked': { en: 'Resets are blocked until {until} ({reason}): "prevented from attempting a reset too many times".', de: 'Zurücksetzungen sind bis {until} gesperrt ({reason}): „zu viele Versuche“.' },
  'throttled.blocked.fix': { en: 'Wait until {until}, or reset the password as an administrator (a successful reset clears the block).', de: 'Warten Sie bis {until} oder setzen Sie das Kennwort als Administrator zurück (eine erfolgreiche Zurücksetzung hebt die Sperre auf).' },

  'summary.store': { en: 'counted in the store', de: 'im Speicher gezählt' },
  'service.user-level': { en: 'User-level check: see the summary.', de: 'Prüfung je Benutzer: siehe Zusammenfassung.' },

  'evidence.policy': { en: 'policy enabled={enabled}, group={group}', de: 'Richtlinie enabled={enabled}, group={group}' },
  'evidence.groups': { en: 'user\'s groups (nested): {groups}', de: 'Gruppen des Benutzers (verschachtelt): {groups}' },
  'evidence.plans': { en: 'licenceRequired={required}; plans held: {plans}', de: 'licenceRequired={required}; vorhandene Pläne: {plans}' },
  'evidence.source': { en: 'account source={source}; directory configured={directory}; writeback.enabled={enabled}, mode={mode}', de: 'Kontoquelle={source}; Verzeichnis konfiguriert={directory}; writeback.enabled={enabled}, mode={mode}' },
  'evidence.agents': { en: 'agents for {source}: {agents}', de: 'Agenten für {source}: {agents}' },
  'evidence.probe': { en: 'probe: reachable={reachable}, encrypted={encrypted}, serviceBind={bind}, {ms} ms{error}', de: 'Prüfung: erreichbar={reachable}, verschlüsselt={encrypted}, Dienstanmeldung={bind}, {ms} ms{error}' },
  'evidence.rights': { en: '{rights}', de: '{rights}' },
  'evidence.last-writeback-failure': { en: 'last writeback failure: {reason} at {at}', de: 'letzter Fehler beim Zurückschreiben: {reason} am {at}' },
  'evidence.policy-hints': { en: 'rootDSE policy-hints control advertised: {hints}', de: 'rootDSE bietet Policy-Hints-Control an: {hints}' },
  'evidence.matches': { en: 'directory objects matching the name: {matches}; synced anchor: {anchor}; found anchor: {found}', de: 'Verzeichnisobjekte mit diesem Namen: {matches}; synchronisierter Anker: {anchor}; gefundener Anker: {found}' },
  'evidence.methods': { en: 'usable method types: {types}; required: {required}; allowed by policy: {allowed}', de: 'nutzbare Methodentypen: {types}; erforderlich: {required}; laut Richtlinie erlaubt: {allowed}' },
  'evidence.contact': { en: 'e-mail on file: {email}; phones: {phones}', de: 'hinterlegte E-Mail: {email}; Telefonnummern: {phones}' },
  'evidence.delivery': { en: 'last {channel} delivery failure: {reason} at {at}', de: 'letzter {channel}-Zustellfehler: {reason} am {at}' },
  'evidence.confirmed': { en: 'oldest confirmation: {at}; re-confirm every {days} days', de: 'älteste Bestätigung: {at}; erneut bestätigen alle {days} Tage' },
  'evidence.admin': { en: 'administrator={admin}; eligible types: {types}', de: 'Administrator={admin}; zulässige Typen: {types}' },
  'evidence.protected': { en: 'directory says protected={protected}; memberOf: {groups}', de: 'Verzeichnis meldet geschützt={protected}; memberOf: {groups}' },
  'evidence.password-event': { en: 'newest password event: {event} at {at}, writtenBack={writtenBack}', de: 'neuestes Kennwortereignis: {event} am {at}, writtenBack={writtenBack}' },
  'evidence.state': { en: 'enabled={enabled}, locked={locked}, mustChange={mustChange}, passwordExpired={passwordExpired}, accountExpired={accountExpired}', de: 'aktiviert={enabled}, gesperrt={locked}, mussÄndern={mustChange}, KennwortAbgelaufen={passwordExpired}, KontoAbgelaufen={accountExpired}' },
  'evidence.dir-policy': { en: 'directory policy: minLength={minLength}, minAge={minAge}, history={history}, lockout={lockout}; password last set: {changed}', de: 'Verzeichnisrichtlinie: minLength={minLength}, minAge={minAge}, history={history}, lockout={lockout}; Kennwort zuletzt gesetzt: {changed}' },
  'evidence.throttle': { en: 'failed proofs in the window: {failed}; block: {block}', de: 'fehlgeschlagene Nachweise im Zeitraum: {failed}; Sperre: {block}' },
  'evidence.error': { en: '{error}', de: '{error}' },
  'evidence.mail': { en: 'smtp configured={smtp}; sms provider={sms}; failed deliveries (24 h)={failures}', de: 'SMTP eingerichtet={smtp}; SMS-Anbieter={sms}; fehlgeschlagene Zustellungen (24 h)={failures}' },
};

export function say(lang: Lang, key: string, params?: Record<string, string | number>): string {
  const text = texts[key];
  return text ? format(text[lang], params) : '';
}

export function hasText(key: string): boolean {
  return Object.hasOwn(texts, key);
}

/** A finding in the requested language. */
export function render(finding: Finding, lang: Lang): CheckResult {
  const base = `${finding.id}.${finding.key}`;
  const summary = say(lang, base, finding.params) || say(lang, finding.key, finding.params);
  return {
    id: finding.id,
    status: finding.status,
    summary,
    evidence: (finding.evidence ?? []).map(([key, params]) => say(lang, `evidence.${key}`, params)).filter(Boolean).join('; '),
    fix: finding.status === 'pass' || finding.status === 'skip' ? '' : say(lang, `${base}.fix`, finding.params),
  };
}

/** All text keys (for the catalogue test). */
export function textKeys(): string[] {
  return Object.keys(texts);
}
