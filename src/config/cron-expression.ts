import { Cron } from 'croner';

/** Null when `text` is a cron expression the scheduler accepts (croner), else the parser's reason. */
export function cronProblem(text: string): string | null {
  try {
    new Cron(text, { paused: true }).stop();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
