/**
 * Whether CreateTable's LimitExceededException is the account's table quota ("Subscriber limit
 * exceeded: There is a limit of 2500 tables per subscriber"), which no retry mends, rather than
 * too many table operations at once ("... Only 50 tables can be created, updated, or deleted
 * simultaneously", "... indexed tables that can be created simultaneously"), which passes as the
 * other operations end. DynamoDB tells them apart only by the message: a message that names no
 * table quota, or speaks of operations at once, counts as the transient one (retried).
 */
export function isTableQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name !== 'LimitExceededException' || typeof message !== 'string') return false;
  if (/simultaneous|concurrent|at (?:a|one) time|in progress/i.test(message)) return false;
  return /\btables per (?:subscriber|account)\b|\bmaximum number of tables\b|\btable (?:count )?(?:limit|quota)\b/i.test(
    message,
  );
}
