#!/usr/bin/env node
import { CommanderError } from 'commander';
import { redactText } from '../errors/redact.js';
import { CREDENTIALS_ADVICE, REGION_ADVICE } from '../kinesis/configurationAdvice.js';
import { resolveKinesisEndpoint } from '../kinesis/kinesisEndpoint.js';
import { configurationHint } from './configurationHint.js';
import { buildProgram } from './program.js';

// The SDK's notice about future Node versions is noise on a command line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Bad flags exit with status 2 (after commander's one-line message); other failures with 1. */
async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    // Still one line: a missing region or missing credentials also says what to set.
    const hint = configurationHint(error, endpointInUse(argv));
    // The command line's hint (flags) stands in for the library's (options).
    const bare = message.replace(`; ${REGION_ADVICE}`, '').replace(`; ${CREDENTIALS_ADVICE}`, '');
    const line = hint === undefined ? message : `${bare.replace(/\.$/, '')}; ${hint}`;
    process.stderr.write(`rxjs-kinesis: ${redactText(line)}\n`);
    process.exitCode = 1;
  }
}

/** Whether the command was pointed at an endpoint: `--endpoint`, or an endpoint variable. */
function endpointInUse(argv: readonly string[]): boolean {
  if (argv.some((arg) => arg === '--endpoint' || arg.startsWith('--endpoint='))) return true;
  try {
    return resolveKinesisEndpoint(undefined, process.env) !== undefined;
  } catch {
    return true; // a variable is set, if not to a URL
  }
}

// `rxjs-kinesis tail … | head` closes the pipe early: stop quietly, as other command-line tools do.
// A command that watches its output itself (tail) stops on its own, as on Ctrl+C: it still writes
// its checkpoints and deregisters its stream consumer (`--deregister`), which an exit here skipped.
// Any other failure to write (a full disk: `> /dev/full`) is one line and status 1, not a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (process.stdout.listenerCount('error') > 1) return;
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`rxjs-kinesis: cannot write to stdout: ${redactText(error.message)}\n`);
  process.exit(1);
});

// A reader of stderr that goes away (`rxjs-kinesis put … 2>&1 | head`, a log collector that
// stops) takes the messages still to come, not the command's work: put delivers every line it
// read and exits with its status, as it would with stderr open.
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

void main(process.argv);
