import { InvalidArgumentError, type Argument, type Command, type Option } from 'commander';
import { looksLikeCredential } from '../errors/credentialShapes.js';
import { redactConnectionString, REDACTED } from '../errors/redact.js';

/** The code of the CommanderError a refused value ends the parse with (exit status 2). */
export const INVALID_VALUE = 'rxjs-kinesis.invalidValue';

/** Flags whose values are connection strings: shown without their user info, even unparsed. */
const CONNECTION_FLAG = /endpoint|url|uri|redis/i;

/**
 * Makes every flag and argument of `command` and its sub-commands report a refused value in one
 * line that shows the value once: `error: invalid --limit "0": expected a positive integer, e.g.
 * 100.` (commander's own message shows it, then the parser's reason, which said it again). The
 * parsers throw commander's InvalidArgumentError with the reason alone. A value that reads as an
 * AWS credential (a secret key given as `--region`) is not shown.
 */
export function reportInvalidValues(command: Command): void {
  for (const option of command.options)
    reportFor(command, option, option.long ?? option.short ?? option.flags);
  for (const argument of command.registeredArguments)
    reportFor(command, argument, argument.required ? `<${argument.name()}>` : `[${argument.name()}]`);
  for (const subcommand of command.commands) reportInvalidValues(subcommand);
}

function reportFor(command: Command, target: Option | Argument, label: string): void {
  const parse = target.parseArg;
  if (parse === undefined) return;
  target.parseArg = <T>(value: string, previous: T): T => {
    try {
      return parse(value, previous);
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      // A credential first: a secret key given as --endpoint is no URL with user info to strip.
      const shown = looksLikeCredential(value)
        ? REDACTED
        : CONNECTION_FLAG.test(label)
          ? redactConnectionString(value)
          : value;
      // Another code than commander's own, which would put its message in front of this one.
      return command.error(`error: invalid ${label} ${JSON.stringify(shown)}: ${error.message}`, {
        exitCode: 2,
        code: INVALID_VALUE,
      });
    }
  };
}
