/** Where a notice about an account goes: every e-mail address, and phone numbers when they are the second channel. */
export interface NoticeChannels {
  emails: string[];
  phones: string[];
}

/** What the rule reads of the account: the directory's contact data and the registered contact methods. */
export interface AccountContacts {
  email: string | null;
  mobile: string | null;
  registrations: ReadonlyArray<{ type: string; data: unknown }>;
}

const addressOf = (data: unknown, field: 'address' | 'phone'): string | null => {
  const value = (data as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
};

function distinct(values: Array<string | null | undefined>): string[] {
  const seen = new Map<string, string>();
  for (const value of values) if (value && !seen.has(value.toLowerCase())) seen.set(value.toLowerCase(), value);
  return [...seen.values()];
}

/**
 * The one rule for who hears about a change to an account (the Keycloak catch-22): a notice never goes only to
 * an address that the person holding the password can read. The directory's own address (`email`) is usually
 * the organisation mailbox of this very account — whoever just reset the password reads it too. So the notice
 * goes to every known e-mail address (the directory's, every registered one, and `also`, e.g. the address just
 * removed), and, unless some registered e-mail address outside the directory's mailbox already gets it, to
 * every known phone number as well.
 */
export function noticeRecipients(account: AccountContacts, also: { email?: string | null; phone?: string | null } = {}): NoticeChannels {
  const registered = (type: string, field: 'address' | 'phone') => account.registrations.filter((r) => r.type === type).map((r) => addressOf(r.data, field));
  const emails = distinct([account.email, ...registered('email', 'address'), also.email]);
  const directoryMailbox = account.email?.toLowerCase() ?? null;
  const independent = emails.some((address) => address.toLowerCase() !== directoryMailbox);
  const phones = independent ? [] : distinct([account.mobile, ...registered('sms', 'phone'), also.phone]);
  return { emails, phones };
}
