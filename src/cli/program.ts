import { Command } from 'commander';
import { redactText } from '../errors/redact.js';
import { VERSION } from '../version.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerLocalCommand } from './commands/local.js';
import { registerPutCommand } from './commands/put.js';
import { registerTailCommand } from './commands/tail.js';
import { reportInvalidValues } from './invalidValueError.js';

/** The rxjs-kinesis command line: one sub-command per file in ./commands. */
export function buildProgram(): Command {
  const program = new Command('rxjs-kinesis')
    .description('AWS Kinesis Data Streams as RxJS: demo, local Kinesis with real limits, bench, put, tail')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Commander repeats a refused flag's value in its message: no URL user info reaches the terminal.
    .configureOutput({
      writeErr: (text) => process.stderr.write(redactText(text)),
      outputError: (text, write) => write(redactText(text)),
    });
  registerDemoCommand(program);
  registerLocalCommand(program);
  registerBenchCommand(program);
  registerPutCommand(program);
  registerTailCommand(program);
  // A refused flag of a command points to that command's help, where its flags are.
  for (const command of program.commands) {
    command.showHelpAfterError(`(run rxjs-kinesis ${command.name()} --help for usage)`);
  }
  // A refused flag or argument value: one line, the value shown once.
  reportInvalidValues(program);
  return program;
}
