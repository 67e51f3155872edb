import { isError } from '../../errors/redact.js';

/**
 * `... @user_script: N: -CODE message`: how Redis up to 6.2 wraps the error reply of a command a
 * script ran (`ERR Error running script (call to f_<sha>): @user_script:N: ...`); Redis 7 passes
 * the command's reply as it is.
 */
const SCRIPT_ERROR = /^ERR Error running script\b.*?: -([A-Z]+ .*)$/s;

/**
 * The message of an error reply from the server (ioredis raises them as `ReplyError`), unwrapped
 * from the script error of Redis up to 6.2 (so that a script's write on a replica reads
 * `READONLY ...` on every version); undefined for anything else.
 */
export function redisReplyMessage(error: unknown): string | undefined {
  if (!isError(error) || error.name !== 'ReplyError') return undefined;
  return SCRIPT_ERROR.exec(error.message)?.[1] ?? error.message;
}
