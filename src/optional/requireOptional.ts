import { MissingPeerDependencyError } from '../errors/MissingPeerDependencyError.js';
import { moduleRequire } from './moduleRequire.js';

/**
 * Loads an optional peer package when a feature first needs it, so that importing rxjs-kinesis
 * never loads (or requires) it. Throws MissingPeerDependencyError naming the package to add
 * when it is not installed; any other load failure is thrown as it is.
 */
export function requireOptional<T>(packageName: string, feature: string): T {
  try {
    return moduleRequire(packageName) as T;
  } catch (error) {
    if (isNotFound(error, packageName)) throw new MissingPeerDependencyError(packageName, feature, error);
    throw error;
  }
}

// Duck-typed: a loader's error may come from another realm (a test runner's sandbox).
function isNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${packageName}'`);
}
