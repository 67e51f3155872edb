// Redis up to 6.2 wraps the error reply of a command a script ran: a failover's READONLY then
// reached the checkpointer as a script error, not retried and its connection to the demoted
// primary kept. The redis-server here (7) replies READONLY as it is, hence the replies written out.
import { ReplyError } from 'ioredis';
import { isRetriableRedisError } from '../../../src/checkpointers/redis/isRetriableRedisError.js';
import { redisReplyMessage } from '../../../src/checkpointers/redis/redisReplyMessage.js';

const READONLY = "READONLY You can't write against a read only replica.";
const SCRIPT_READONLY =
  'ERR Error running script (call to f_f3a1e0c7b1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7): @user_script:50: ' +
  `@user_script: 50: -${READONLY}`;

describe('redisReplyMessage', () => {
  it("unwraps a script's READONLY on Redis up to 6.2", () => {
    expect(redisReplyMessage(new ReplyError(SCRIPT_READONLY))).toBe(READONLY);
  });

  it('keeps other replies as they are', () => {
    expect(redisReplyMessage(new ReplyError(READONLY))).toBe(READONLY);
    const scriptBug = 'ERR Error running script (call to f_0): @user_script:1: attempt to call a nil value';
    expect(redisReplyMessage(new ReplyError(scriptBug))).toBe(scriptBug);
    expect(redisReplyMessage(new Error(READONLY))).toBeUndefined();
  });
});

describe('isRetriableRedisError', () => {
  it("retries a script's READONLY on Redis up to 6.2 as it retries READONLY (a failover)", () => {
    expect(isRetriableRedisError(new ReplyError(READONLY))).toBe(true);
    expect(isRetriableRedisError(new ReplyError(SCRIPT_READONLY))).toBe(true);
  });

  it("does not retry a script's own error, nor another command's refusal within a script", () => {
    expect(
      isRetriableRedisError(new ReplyError('ERR Error running script (call to f_0): @user_script:1: oops')),
    ).toBe(false);
    expect(
      isRetriableRedisError(
        new ReplyError(
          'ERR Error running script (call to f_0): @user_script:3: @user_script: 3: -WRONGTYPE Operation ' +
            'against a key holding the wrong kind of value',
        ),
      ),
    ).toBe(false);
  });
});
