/**
 * The build worker of strength-dictionaries.ts: builds the compact dictionaries and answers once, transferring the
 * typed arrays (the worker keeps nothing).
 */
import { buildStrengthDictionaries } from './strength-dictionaries.js';

type Answer = (message: unknown, transfer: ArrayBuffer[]) => void;

export function answerBuild(answer: Answer): void {
  try {
    const built = buildStrengthDictionaries();
    const { units, wordStart, wide, wideIds, wideStart, wideUnits, table, rankStart, ranks } = built.parts;
    const arrays = [units, wordStart, wide, wideIds, wideStart, wideUnits, table, rankStart, ranks];
    answer(built, arrays.map((array) => array.buffer as ArrayBuffer));
  } catch (error) {
    answer({ error: String(error) }, []);
  }
}
