/**
 * The bounded part of a password that the strength estimate scores (see strength.ts).
 *
 * Contract:
 * - The result has at most {@link STRENGTH_WINDOW} code points. Computing it takes O(STRENGTH_WINDOW²)
 *   comparisons per kept or skipped position: O(STRENGTH_WINDOW³) when little repeats, O(n · STRENGTH_WINDOW²)
 *   at worst for n code points (evaluate.ts refuses passwords over maxLength, at most 1024, before this).
 * - Repetition counts once: a unit repeated back to back — any unit three or more times in a row,
 *   or a unit of {@link MIN_DOUBLED_UNIT} or more code points twice — is kept as a single copy
 *   (units up to STRENGTH_WINDOW code points). "Password1" repeated thirty times reads as
 *   "Password1", "aaaabbbbcccc" as "abc", "Summer2024!XySummer2024!Xy" as "Summer2024!Xy".
 * - Then only the first STRENGTH_WINDOW code points are kept.
 * So the score is a lower bound of the whole password's: padding a weak password — repeating it or
 * appending anything — can never raise it; a truncated second copy can never look like new text.
 */

/** Code points that are estimated at most. */
export const STRENGTH_WINDOW = 24;

/** Shortest unit whose second consecutive copy is dropped ("balloon" and "Mississippi" keep theirs). */
const MIN_DOUBLED_UNIT = 4;

/** Copies of `unit`-long text at `start` that follow each other (1 when the text does not repeat). */
function copiesAt(points: readonly string[], start: number, unit: number): number {
  let copies = 1;
  for (;;) {
    const next = start + copies * unit;
    if (next + unit > points.length) return copies;
    for (let k = 0; k < unit; k++) if (points[start + k] !== points[next + k]) return copies;
    copies++;
  }
}

/** The password with its repetitions counted once, cut to its first STRENGTH_WINDOW code points. */
export function strengthWindow(password: string): string {
  const points = Array.from(password);
  const kept: string[] = [];
  let at = 0;
  while (at < points.length && kept.length < STRENGTH_WINDOW) {
    let skip = 0;
    for (let unit = 1; unit <= STRENGTH_WINDOW && at + 2 * unit <= points.length; unit++) {
      const copies = copiesAt(points, at, unit);
      if (copies >= 3 || (copies === 2 && unit >= MIN_DOUBLED_UNIT)) {
        skip = (copies - 1) * unit;
        break;
      }
    }
    if (skip > 0) {
      at += skip;
      continue;
    }
    kept.push(points[at] ?? '');
    at++;
  }
  return kept.join('');
}
