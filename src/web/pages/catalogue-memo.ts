import { messages, type MessageCatalogue } from '../../i18n/messages.js';

/**
 * Markup built once per key for the message catalogue in use (`messages`; an operator's catalogue put in use later
 * gets its own entries). Only for markup that is a function of its key alone — language, settings, options — and
 * never of a request or a user: no CSRF token, name, error, `next` or query may enter it. At most `limit` keys per
 * catalogue are kept; past that, markup is built on each call.
 */
export function catalogueMemo<T>(limit: number): (key: string, build: () => T) => T {
  const byCatalogue = new WeakMap<MessageCatalogue, Map<string, T>>();
  return (key, build) => {
    let kept = byCatalogue.get(messages);
    if (!kept) byCatalogue.set(messages, (kept = new Map()));
    const hit = kept.get(key);
    if (hit !== undefined) return hit;
    const built = build();
    if (kept.size < limit) kept.set(key, built);
    return built;
  };
}
