// Case: a value after a secret name that is left as it is (one hidden already, `password=***`)
// was read to the end of its run of characters, and then searched for names in turn: a text of
// such names glued together took time quadratic in its length. Values left as they are (hidden
// already, or unquoted after a quoted name) are now recognised before they are read.
import { redactText } from '../../src/errors/redact.js';

/** `unit` repeated to `length` characters. */
const repeated = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length));

/**
 * The least CPU time of five runs, in milliseconds, but never under `floor` (the clock's
 * granularity). CPU time, not wall time: on a loaded machine a run waits for a core, and that
 * wait, longer for the longer text, is no part of the work measured.
 */
function fastest(text: string, floor: number): number {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const started = process.cpuUsage();
    redactText(text);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return Math.max(best, floor);
}

test.each([
  ['values hidden already', 'password=***'],
  ['values hidden already, quoted', 'password="[redacted]"'],
  ['values hidden already after a scheme', 'Authorization: Bearer ***'],
  ['unquoted values after quoted names', '"password":-'],
  ['unquoted values after escaped quoted names', '\\"password\\":-'],
  ['quotes never closed', `password:"password:'`],
  ['escapes never closed', 'password:"\\'],
  ['ambiguous names and prose', 'token:Abc.'],
  ['command-line names', '--password=-'],
  ['query schemes never followed by a credential', '?auth=Bearer \n'],
  ['query schemes after names that are no secret', '?a=Bearer b '],
  ['quoted queries never closed', '"/x?token=a&'],
  ['quoted queries closed late', '"/x?token=a&token='],
  // Each value ends at its string's quote, with no `&` or `#` after it in the whole text.
  ['JSON strings each holding a secret query', '"a":"/x?token=1",'],
])('ten times the text (%s) takes well under thirty times as long: linear, not quadratic', (_name, unit) => {
  // A quadratic pass takes a hundred times as long for ten times the text; a linear one about
  // ten times, with room left for a loaded machine (the least CPU time of five runs of each).
  redactText(repeated(unit, 20_000));
  const small = fastest(repeated(unit, 20_000), 5);
  const large = fastest(repeated(unit, 200_000), 5);
  expect(large / small).toBeLessThan(30);
});
