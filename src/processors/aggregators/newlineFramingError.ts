import { SerializationError } from '../errors/SerializationError.js';

/** The error of an item that holds a line feed, which the newline framing cannot hold. */
export function newlineFramingError(): SerializationError {
  return new SerializationError(
    'newline',
    'the item contains a newline byte, which the newline framing cannot hold',
  );
}

/**
 * The error of an empty item: its line would be empty, and a reader skips empty lines, so the
 * item would be reported delivered and never read.
 */
export function emptyLineFramingError(): SerializationError {
  return new SerializationError(
    'newline',
    'the item is empty, and the newline framing cannot hold it: readers skip empty lines',
  );
}
