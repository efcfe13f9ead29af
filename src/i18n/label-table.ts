import type { Lang } from './lang.js';
import { messages, type Domain, type Under } from './messages.js';

/**
 * The reader's names of a list of stored ids (audit reasons, events, detail keys): the messages `<domain>.<id>`.
 * The compiler refuses an id of the list without a message in the domain, so adding an id is one list entry (and
 * its message). The lookup gives undefined for an id outside the list (e.g. stored by an older version): callers
 * show such an id as stored.
 */
export function labelTable<D extends Domain, Id extends Under<`${D}.`>>(domain: D, ids: readonly Id[]): (lang: Lang, id: string) => string | undefined {
  const listed: ReadonlySet<string> = new Set(ids);
  return (lang, id) => (listed.has(id) ? messages.formatAny(lang, `${domain}.${id}`) : undefined);
}

/** `label (id)`: a name with its id beside it (readers search logs by id), or the id alone when it has no name. */
export function labelWithId(label: string | undefined, id: string): string {
  return label ? `${label} (${id})` : id;
}

/** Takes `list` when it names every member of `All` (and, being `readonly All[]`, nothing else); else the compiler names the missing ones. */
export const listOfEvery =
  <All extends string>() =>
  <const List extends readonly All[]>(list: List & ([Exclude<All, List[number]>] extends [never] ? unknown : { missing: Exclude<All, List[number]> })): List =>
    list;
