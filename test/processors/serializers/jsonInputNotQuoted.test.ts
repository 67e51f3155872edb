// Case: a record that is not valid JSON. JSON.parse's message quotes the input (all of a short
// item, the first characters of a long one), and the DeserializationError passed it on in its
// message and its cause, so an item's secret or personal data reached RecordDecodeError messages
// and log lines. The reason and the position stay; no piece of the item does.
import { inspect } from 'node:util';
import { jsonProcessor } from '../../../src/processors/namedProcessors.js';
import { DeserializationError } from '../../../src/processors/errors/DeserializationError.js';
import { jsonParseReason } from '../../../src/processors/serializers/jsonParseReason.js';

// Its first four characters must appear in no path of the checkout: the stack inspected below
// holds absolute paths (a checkout under a directory named hunt… made 'hunter2secret' fail).
const SECRET = 'qz9hunter2secret';

function refusal(text: string): DeserializationError {
  const { serializer } = jsonProcessor();
  try {
    serializer.deserialize(new TextEncoder().encode(text));
  } catch (error) {
    if (error instanceof DeserializationError) return error;
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

test.each([
  `{"password": ${SECRET}}`,
  `{"token": "${SECRET}", ${SECRET}}`,
  `${SECRET.repeat(20)}`,
  `[1, 2, ${SECRET}]`,
  `{"a": 1} ${SECRET}`,
  `{"a": "${SECRET}`,
])('refuses %j without quoting it', (text) => {
  const error = refusal(text);
  expect(error.message).toMatch(/^.*item is not valid JSON/);
  // Message, stack, cause and every field, as a logger or an error tracker would show them.
  expect(inspect(error, { depth: 10 })).not.toContain(SECRET.slice(0, 4));
});

test('keeps the reason and the position', () => {
  expect(refusal(`{"password": ${SECRET}}`).message).toContain("Unexpected token 'q'");
  expect(refusal('{"a":1').message).toMatch(/position 6/);
  expect(refusal('').message).toContain('Unexpected end of JSON input');
});

test('jsonParseReason keeps no quoted input, whatever the message', () => {
  const reason = (message: string) => jsonParseReason(new SyntaxError(message));
  expect(reason(`Unexpected token ',', ",${SECRET}" is not valid JSON`)).toBe("Unexpected token ','");
  expect(reason(`"${SECRET}" is not valid JSON`)).toBe('not valid JSON');
  expect(reason(`Unexpected token 'h', ..."assword": ${SECRET}"... is not valid JSON`)).toBe(
    "Unexpected token 'h'",
  );
  expect(reason(`Unexpected token 'x', "xxxxxxxxxx"... is not valid JSON`)).toBe("Unexpected token 'x'");
  expect(reason(`Unexpected token ${SECRET} in "${SECRET}"`)).toBe('not valid JSON');
  expect(reason('Unexpected end of JSON input')).toBe('Unexpected end of JSON input');
  expect(jsonParseReason('not an error')).toBe('not valid JSON');
});

// Case: the one character V8 names (`Unexpected token 'x'`) is the item's own. A control or
// format character there (an escape sequence's ESC, a bell, a backspace, a bidi override)
// reached terminals raw through `rxjs-kinesis tail`'s "skipped record" lines and log lines. It is
// now written as a JSON escape; printable characters stay as they are.
test.each([
  ['\u001b[2J', "Unexpected token '\\u001b'"],
  ['\u0007', "Unexpected token '\\u0007'"],
  ['\b{}', "Unexpected token '\\b'"],
  ['\u007f', "Unexpected token '\\u007f'"],
  ['\u009b31m', "Unexpected token '\\u009b'"],
  ['\u202eabc', "Unexpected token '\\u202e'"],
  ['\u2028', "Unexpected token '\\u2028'"],
  ['é', "Unexpected token 'é'"],
  // V8 names half of the pair, which a terminal cannot show either.
  ['😀', "Unexpected token '\\ud83d'"],
])('names the unexpected character of %j without writing a control character', (text, expected) => {
  const message = refusal(text).message;
  expect(message).toContain(expected);
  expect(message).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
});
