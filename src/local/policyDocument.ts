/** Largest resource policy a Kinesis stream or consumer takes, in characters (IAM's 20 KB). */
export const MAX_POLICY_LENGTH = 20_480;

const EFFECTS = new Set(['Allow', 'Deny']);

/**
 * What is wrong with a resource-based policy document, or undefined if it is one: a JSON object
 * with a non-empty Statement (one statement or a list), each with Effect Allow or Deny, a
 * Principal (or NotPrincipal) and an Action (or NotAction). Conditions and ARNs are not checked.
 */
export function checkPolicyDocument(text: string): string | undefined {
  if (text.length > MAX_POLICY_LENGTH) return `longer than ${MAX_POLICY_LENGTH} characters`;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!isObject(document)) return 'not a JSON object';
  const { Statement: statement } = document;
  const statements: unknown[] = Array.isArray(statement)
    ? statement
    : statement === undefined
      ? []
      : [statement];
  if (statements.length === 0) return 'it has no Statement';
  for (const [index, entry] of statements.entries()) {
    const where = `Statement ${index + 1}`;
    if (!isObject(entry)) return `${where} is not an object`;
    if (typeof entry.Effect !== 'string' || !EFFECTS.has(entry.Effect)) {
      return `${where} has no Effect of Allow or Deny`;
    }
    if (entry.Principal === undefined && entry.NotPrincipal === undefined) return `${where} has no Principal`;
    if (entry.Action === undefined && entry.NotAction === undefined) return `${where} has no Action`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
