// CreateTable's LimitExceededException means either the account's table quota (no retry helps)
// or too many table operations at once (passes as they end): DynamoDB tells them apart only by
// the message. The wordings below are those DynamoDB has answered over the years.
import { isTableQuotaExceeded } from '../../../src/checkpointers/dynamodb/isTableQuotaExceeded.js';

const refusal = (message: string) => Object.assign(new Error(message), { name: 'LimitExceededException' });

it.each([
  'Subscriber limit exceeded: There is a limit of 256 tables per subscriber',
  'Subscriber limit exceeded: There is a limit of 2500 tables per subscriber',
])('reads "%s" as the table quota', (message) => {
  expect(isTableQuotaExceeded(refusal(message))).toBe(true);
});

it.each([
  'Subscriber limit exceeded: Only 10 tables can be created, updated, or deleted simultaneously',
  'Subscriber limit exceeded: Only 50 tables can be created, updated, or deleted simultaneously',
  'Subscriber limit exceeded: You have exceeded the maximum number of indexed tables that can be created simultaneously',
  'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
  'Too many operations for a given subscriber.',
  '',
])('reads "%s" as too many operations at once (retried)', (message) => {
  expect(isTableQuotaExceeded(refusal(message))).toBe(false);
});

it('looks only at LimitExceededException', () => {
  const other = Object.assign(new Error('There is a limit of 2500 tables per subscriber'), {
    name: 'ValidationException',
  });
  expect(isTableQuotaExceeded(other)).toBe(false);
  expect(isTableQuotaExceeded(undefined)).toBe(false);
  expect(isTableQuotaExceeded({ name: 'LimitExceededException' })).toBe(false);
});
