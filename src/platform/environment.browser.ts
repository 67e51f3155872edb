/** The browser build's stand-in for environment.ts: a page has no environment variables. */
export function environmentVariables(): Readonly<Record<string, string | undefined>> {
  return {};
}
