import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { KinesisCredentials, KinesisCredentialsProvider } from './createKinesisClient.js';

const STATIC_EXPECTED =
  'expected { accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: Date, accountId?: string }';

/** The properties a credentials object is read for, and what each must hold. */
const CHECKED: Readonly<Record<string, (value: unknown) => boolean>> = {
  accessKeyId: (value) => typeof value === 'string',
  secretAccessKey: (value) => typeof value === 'string',
  sessionToken: (value) => value === undefined || typeof value === 'string',
  expiration: (value) => value === undefined || (value instanceof Date && !Number.isNaN(value.getTime())),
};

/**
 * The optional fields of a credentials object the SDK reads besides those: `accountId` (for
 * account-based endpoints, the SDK also reads `AccountId`) and `credentialScope`. Forwarded when
 * the object has them, own or inherited (a class's getter), each read at each use.
 */
const OPTIONAL: Readonly<Record<string, (value: unknown) => boolean>> = {
  accountId: (value) => value === undefined || value === null || typeof value === 'string',
  AccountId: (value) => value === undefined || value === null || typeof value === 'string',
  credentialScope: (value) => value === undefined || value === null || typeof value === 'string',
};

function hasName(source: object, name: string): boolean {
  try {
    return name in source;
  } catch {
    // A Proxy's `has` trap that throws: the read then says so (see readChecked).
    return true;
  }
}

/** The names a credentials object is read for: the four, and the optional ones it has. */
function readNames(source: object): string[] {
  return [...Object.keys(CHECKED), ...Object.keys(OPTIONAL).filter((name) => hasName(source, name))];
}

/**
 * Property `name` of the caller's credentials object (or of what its provider answered: `whose`),
 * as it is now; InvalidOptionError if unfit.
 */
function readChecked(source: object, name: string, expected: string, whose = 'its'): unknown {
  let value: unknown;
  try {
    value = (source as Record<string, unknown>)[name];
  } catch (error) {
    throw new InvalidOptionError(
      'credentials',
      '[redacted]',
      `reading ${whose} properties threw (${name}; the error is the cause); ${expected}`,
      { cause: error },
    );
  }
  const check = CHECKED[name] ?? OPTIONAL[name];
  if (check !== undefined && !check(value)) {
    throw new InvalidOptionError('credentials', '[redacted]', `${whose} ${name} does not fit; ${expected}`);
  }
  return value;
}

/**
 * What the SDK is given for the caller's credentials object: an object of its own (the SDK writes
 * to it) whose properties read the caller's at each use, as the SDK reads an object it is given
 * (the four it is read for, checked each time, the optional ones the SDK reads when the object has
 * them, own or inherited: see OPTIONAL, and any other own property the object had). A caller who changes the object's properties (rotating keys in place) changes
 * what the next request is signed with; a frozen object works too (the SDK cannot write to one).
 */
function liveCredentials(source: object, ownNames: readonly string[], expected: string): KinesisCredentials {
  const live: Record<string, unknown> = {};
  for (const name of new Set([...ownNames, ...readNames(source)])) {
    Object.defineProperty(live, name, {
      get: () => readChecked(source, name, expected),
      enumerable: true,
      configurable: true,
    });
  }
  return live as unknown as KinesisCredentials;
}

/**
 * The `credentials` option checked: an object's properties are read (a getter or Proxy trap
 * that throws becomes the cause of an InvalidOptionError whose message shows neither the value
 * nor the error's text) and it is kept, read again at each use (see liveCredentials). A provider
 * function is passed through as it is.
 */
export function checkedCredentials(
  credentials: unknown,
): KinesisCredentials | KinesisCredentialsProvider | undefined {
  const expected = `${STATIC_EXPECTED} or a provider function`;
  if (credentials === undefined) return undefined;
  if (typeof credentials === 'function') return credentials as KinesisCredentialsProvider;
  if (typeof credentials !== 'object' || credentials === null) {
    throw new InvalidOptionError('credentials', '[redacted]', expected);
  }
  let names: string[];
  try {
    names = Object.keys(credentials);
  } catch (error) {
    throw new InvalidOptionError(
      'credentials',
      '[redacted]',
      `reading its properties threw (the error is the cause); ${expected}`,
      { cause: error },
    );
  }
  for (const name of readNames(credentials)) readChecked(credentials, name, expected);
  return liveCredentials(credentials, names, expected);
}

/**
 * What a credentials provider answered, checked as an object given directly is (the same four
 * properties, and the optional ones it has): an unfit answer (a numeric `sessionToken`, no
 * `secretAccessKey`, an `expiration` that is not a Date, no object at all) would otherwise fail
 * deep in the SDK's signer ("headers[headerName].replace is not a function"). Throws an
 * InvalidOptionError for `credentials` that names what does not fit and shows no value; the
 * answer itself is returned as it is (the SDK keeps it until it expires).
 */
export function checkedProviderAnswer(answer: unknown): KinesisCredentials {
  const expected = `${STATIC_EXPECTED} from its provider`;
  if (typeof answer !== 'object' || answer === null) {
    const kind = answer === null ? 'null' : `a ${typeof answer}`;
    const found = `its provider answered ${kind}, not a credentials object; ${expected}`;
    throw new InvalidOptionError('credentials', '[redacted]', found);
  }
  for (const name of readNames(answer)) readChecked(answer, name, expected, "its provider's answer's");
  return answer as KinesisCredentials;
}
