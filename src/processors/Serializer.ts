/**
 * Turns one user item into bytes and back. Implementations throw SerializationError /
 * DeserializationError (from this folder) on failure.
 */
export interface Serializer<T> {
  /** Short name used in errors, metrics and the CLI, e.g. "json". */
  readonly name: string;
  serialize(item: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}
