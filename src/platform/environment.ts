/**
 * The process environment variables (endpoint settings): on Node, process.env. The browser build
 * replaces this module with environment.browser.ts (no variables).
 */
export function environmentVariables(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
