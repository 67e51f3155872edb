import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerLocalCommand } from './commands/local.js';
import { registerPutCommand } from './commands/put.js';
import { registerTailCommand } from './commands/tail.js';

/** The rxjs-kinesis command line: one sub-command per file in ./commands. */
export function buildProgram(): Command {
  const program = new Command('rxjs-kinesis')
    .description('AWS Kinesis Data Streams as RxJS: demo, local Kinesis with real limits, bench, put, tail')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemoCommand(program);
  registerLocalCommand(program);
  registerBenchCommand(program);
  registerPutCommand(program);
  registerTailCommand(program);
  return program;
}
