/**
 * The few test-runner functions the conformance suites use. Jest's and Vitest's `describe`, `it`,
 * `beforeEach`, `afterEach` and `expect` fit these shapes; they are declared here so that using
 * the suites needs no runner's type package.
 */
export interface ConformanceMatchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeUndefined(): void;
  toBeInstanceOf(expected: unknown): void;
  toBeGreaterThan(expected: number): void;
  toHaveLength(expected: number): void;
  readonly not: ConformanceNegatedMatchers;
}

/** The matchers after `.not`. */
export interface ConformanceNegatedMatchers {
  toBe(expected: unknown): void;
}

/** The matchers after `.resolves`: each waits for the promise. */
export interface ConformanceAsyncMatchers {
  toBe(expected: unknown): Promise<unknown>;
  toMatchObject(expected: object): Promise<unknown>;
}

export interface ConformanceExpectation extends ConformanceMatchers {
  readonly resolves: ConformanceAsyncMatchers;
}

export type ConformanceExpect = (actual: unknown) => ConformanceExpectation;

export interface ConformanceTestApi {
  readonly describe: (name: string, body: () => void) => void;
  readonly it: (name: string, body: () => Promise<void>) => void;
  readonly beforeEach: (body: () => Promise<void>) => void;
  readonly afterEach: (body: () => Promise<void>) => void;
  readonly expect: ConformanceExpect;
}

const NAMES = ['describe', 'it', 'beforeEach', 'afterEach', 'expect'] as const;

/**
 * The test functions to use: the ones given, else the runner's globals (Jest, or Vitest with
 * `globals: true`). Throws when neither has them, saying how to pass them.
 */
export function resolveTestApi(given: ConformanceTestApi | undefined): ConformanceTestApi {
  if (given !== undefined) return given;
  const globals = globalThis as unknown as Partial<Record<(typeof NAMES)[number], unknown>>;
  const missing = NAMES.filter((name) => typeof globals[name] !== 'function');
  if (missing.length > 0)
    throw new Error(
      `The conformance suite needs the test runner's ${missing.join(', ')}, which are not globals here: ` +
        "pass them as the last argument, e.g. import { describe, it, beforeEach, afterEach, expect } from 'vitest'.",
    );
  return globals as unknown as ConformanceTestApi;
}
