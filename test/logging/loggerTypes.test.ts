// The Logger interface accepts console, pino and the NestJS Logger as they are (checked by the
// type checker when this file compiles), and writeLog drives each of them.
import { Writable } from 'node:stream';
import { Logger as NestLogger } from '@nestjs/common';
import { pino } from 'pino';
import type { Logger } from '../../src/logging/Logger.js';
import { writeLog } from '../../src/logging/writeLog.js';

function pinoInto(lines: string[]): ReturnType<typeof pino> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}

describe('Logger', () => {
  it('is satisfied by console, a pino logger and the NestJS Logger', () => {
    const fromConsole: Logger = console;
    const fromPino: Logger = pinoInto([]);
    const fromNest: Logger = new NestLogger('Kinesis');
    expect([fromConsole, fromPino, fromNest].every((logger) => typeof logger.warn === 'function')).toBe(true);
  });

  it('writes to pino at the matching level, the details inline in the message', () => {
    const lines: string[] = [];
    const logger: Logger = pinoInto(lines);
    writeLog(logger, 'info', 'lease acquired', { shardId: 'shardId-000000000001' });
    writeLog(logger, 'warn', 'lease lost', { shardId: 'shardId-000000000002' });
    const parsed = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(parsed.map((line) => line.level)).toEqual([30, 40]);
    expect(parsed[0]!.msg).toBe('rxjs-kinesis: lease acquired shardId=shardId-000000000001');
  });

  it("uses the NestJS Logger's log() as its info level", () => {
    const calls: string[] = [];
    const nestLike: Logger = {
      log: (message: string) => calls.push(`log ${message}`),
      debug: (message: string) => calls.push(`debug ${message}`),
      warn: (message: string) => calls.push(`warn ${message}`),
      error: (message: string) => calls.push(`error ${message}`),
    };
    writeLog(nestLike, 'info', 'consumer started');
    expect(calls).toEqual(['log rxjs-kinesis: consumer started']);
  });
});
