import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerLocalCommand } from './commands/local.js';

/** The rxjs-kinesis command line: one sub-command per file in ./commands. */
export function buildProgram(): Command {
  const program = new Command('rxjs-kinesis')
    .description('AWS Kinesis Data Streams as RxJS: demo, local Kinesis with real limits')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemoCommand(program);
  registerLocalCommand(program);
  return program;
}
