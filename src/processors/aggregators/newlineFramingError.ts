import { SerializationError } from '../errors/SerializationError.js';

/** The error of an item that holds a line feed, which the newline framing cannot hold. */
export function newlineFramingError(): SerializationError {
  return new SerializationError(
    'newline',
    'the item contains a newline byte, which the newline framing cannot hold',
  );
}
