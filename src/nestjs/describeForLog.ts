/** A thrown value as a log line shows it: an Error's name and message, else its JSON (or string) form. */
export function describeForLog(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
