// The pattern of an event is the record's own: whoever writes to the stream chooses it. The
// transport's log lines (no handler, a failed handler) and a HandlerTimeoutError's message used
// to print it as it was, so that a record could start a forged log line (`\n[Nest] ... ERROR`),
// drive the terminal the log is read on (ESC, an 8-bit CSI), reorder it (a bidi override) or
// write a megabyte-long line. They now show it with those characters escaped and cut after 200
// characters; onDeadLetter still gets the pattern as it was.
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { KinesisTransportStrategy, type KinesisDeadLetter } from 'rxjs-kinesis/nestjs';
import { useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;
/** What a terminal or a log viewer acts on rather than shows. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

const harness = useNestHarness();

afterEach(() => {
  jest.restoreAllMocks();
});

async function putEvents(streamName: string, events: readonly { pattern: string; data: unknown }[]) {
  const client = harness.kinesis.createClient();
  try {
    for (const event of events)
      await client.send(
        new PutRecordCommand({
          StreamName: streamName,
          PartitionKey: 'k',
          Data: Buffer.from(JSON.stringify(event)),
        }),
      );
  } finally {
    client.destroy();
  }
}

it('log lines and errors show a record’s pattern escaped and cut; onDeadLetter gets it whole', async () => {
  const lines: string[] = [];
  const record = (line: unknown): void => void lines.push(String(line));
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(record);
  jest.spyOn(Logger.prototype, 'error').mockImplementation(record);
  const streamName = await harness.createStream('nest-hostile-patterns');
  let done = false;
  @Controller()
  class PatternsController {
    @EventPattern('fails')
    fails(): void {
      throw new Error('handler failure');
    }

    @EventPattern('slow', { timeoutMs: 100 })
    async slow(): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
    }

    @EventPattern('last')
    last(): void {
      done = true;
    }
  }
  const deadLetters: KinesisDeadLetter[] = [];
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, new MemoryCheckpointer()),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
  });
  await harness.startApp(strategy, [PatternsController]);
  const forged =
    'nothing\n[Nest] 1  - 12/04/2026, 10:00:00 AM   ERROR [Auth] admin signed in\u001b[2J\u009b2J\u202e';
  const long = `long-${'x'.repeat(100_000)}`;
  // Nest reads a pattern as JSON first: with JSON whitespace around it, it still names a handler.
  const spaced = (name: string): string => `\n"${name}"\r\n`;
  await putEvents(streamName, [
    { pattern: forged, data: 1 },
    { pattern: long, data: 2 },
    { pattern: spaced('fails'), data: 3 },
    { pattern: spaced('slow'), data: 4 },
    { pattern: 'last', data: 5 },
  ]);
  await waitFor('the last event', () => done, WAIT_MS);

  expect(
    deadLetters.map((letter) => [letter.reason, letter.reason === 'undecodable' ? '' : letter.pattern]),
  ).toEqual([
    ['no-handler', forged],
    ['no-handler', long],
    ['handler-failed', spaced('fails')],
    ['handler-timeout', spaced('slow')],
  ]);
  const timeout = deadLetters[3]?.error as Error;
  expect(timeout.message).toMatch(/^Handler for \\n"slow"\\r\\n did not finish within 100 ms/);

  const shown = lines.filter((line) => /pattern|Handler for/.test(line));
  expect(shown).toHaveLength(4);
  for (const line of shown) {
    expect(line).not.toMatch(UNPRINTABLE);
    expect(line.length).toBeLessThan(1000);
  }
  expect(shown[0]).toContain(
    'No event handler for pattern nothing\\n[Nest] 1  - 12/04/2026, 10:00:00 AM   ERROR [Auth] admin signed in\\u001b[2J\\u009b2J\\u202e (',
  );
  expect(shown[1]).toContain(`No event handler for pattern long-${'x'.repeat(195)}… (100005 characters) (`);
  expect(shown[2]).toMatch(/^Handler for \\n"fails"\\r\\n failed on /);
  expect(shown[3]).toMatch(/^Handler for \\n"slow"\\r\\n timed out on /);
});
