/**
 * Turns one user item into bytes and back. Implementations throw SerializationError /
 * DeserializationError (from this folder) on failure.
 */
export interface Serializer<T> {
  /** Short name used in errors, metrics and the CLI, e.g. "json". */
  readonly name: string;
  /**
   * The item's bytes, of its own: the producer keeps them without a copy until their record is
   * sent, so they must not be a view of a buffer the serializer writes again for the next item.
   */
  serialize(item: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
  /**
   * Optional text path, for serializers whose output is text (JSON): the producer and
   * deserialize() use it when the aggregator has one too (see Aggregator.text), and then skip a
   * Buffer per item. Leave it out and everything goes through serialize()/deserialize().
   */
  readonly text?: SerializerText<T>;
}

/** What a serializer's text may hold, so that aggregators can skip checks and counts. */
export interface TextTraits {
  /** True when the text never holds a line feed (`\n`); JSON.stringify output never does. */
  readonly newlineFree: boolean;
  /** True when the text is pure ASCII, so that its UTF-8 length is its length. */
  readonly ascii: boolean;
}

/** The text path of a serializer. Both halves must agree exactly with the byte path. */
export interface SerializerText<T> extends TextTraits {
  /** Text whose UTF-8 bytes are exactly what serialize(item) returns; throws what it throws. */
  serialize(item: T): string;
  /** What deserialize() returns (or throws) for the UTF-8 bytes of `text`. */
  deserialize(text: string): T;
}
