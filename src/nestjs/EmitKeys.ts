/** One event handed to the Producer: its own partition key (undefined: the client's default). */
export interface EmitKey {
  readonly key: string | undefined;
}

/**
 * The partition keys of the events KinesisClientProxy hands to its Producer, found again by the
 * Producer's `partitionKey` function from the message it is given: a queue of keys per message
 * (the message object itself, or its value when the serializer returns a string), taken in the
 * order the events were sent. The key goes with its message, so it does not matter when the
 * Producer asks for it (at once, or after waiting for room in a full queue), nor what it does
 * meanwhile. Each key is forgotten once taken, or when its send settles without taking it.
 */
export class EmitKeys {
  private readonly waiting = new Map<unknown, EmitKey[]>();

  /** Registers the key of a message about to be sent; `forget()` it once the send settled. */
  add(message: unknown, key: string | undefined): EmitKey {
    const entry: EmitKey = { key };
    const queue = this.waiting.get(message);
    if (queue === undefined) this.waiting.set(message, [entry]);
    else queue.push(entry);
    return entry;
  }

  /** The key of the first message sent with this value not asked for yet; undefined if none. */
  take(message: unknown): EmitKey | undefined {
    const queue = this.waiting.get(message);
    const entry = queue?.shift();
    if (queue !== undefined && queue.length === 0) this.waiting.delete(message);
    return entry;
  }

  /** Drops a key its Producer never asked for (the send was refused before). */
  forget(message: unknown, entry: EmitKey): void {
    const queue = this.waiting.get(message);
    if (queue === undefined) return;
    const at = queue.indexOf(entry);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) this.waiting.delete(message);
  }
}
