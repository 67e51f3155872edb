/** An error as a conformance failure message shows it: its class name and message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name} (${error.name}): ${error.message}`;
  return String(error);
}
