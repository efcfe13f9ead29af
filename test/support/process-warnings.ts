/** The process warnings with this `code` emitted while `run` runs (warnings are emitted on a later tick). */
export async function warningsDuring(code: string, run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error & { code?: string }) => {
    if (warning.code === code) seen.push(warning.message);
  };
  process.on('warning', listener);
  try {
    await run();
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}
