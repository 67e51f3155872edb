/** The keys of one event handed to the Producer (undefined: the client's own option). */
export interface EmitKey {
  readonly partitionKey: string | undefined;
  readonly explicitHashKey: string | undefined;
}

/**
 * The keys of the events KinesisClientProxy hands to its Producer, found again by the Producer's
 * `partitionKey` and `explicitHashKey` functions from the message they are given: a queue of keys
 * per message (the message object itself, or its value when the serializer returns a string),
 * taken in the order the events were sent. The keys go with their message, so it does not matter
 * when the Producer asks for them (at once, or after waiting for room in a full queue), nor what
 * it does meanwhile. The Producer asks for an item's explicit hash key right after its partition
 * key (ItemPreparer): `take()` then `taken()` give the same event's keys. Each entry is forgotten
 * once taken, or when its send settles without taking it.
 */
export class EmitKeys {
  private readonly waiting = new Map<unknown, EmitKey[]>();
  /** The entry taken last, and its message. */
  private last: { readonly message: unknown; readonly entry: EmitKey } | undefined;

  /** Registers the keys of a message about to be sent; `forget()` them once the send settled. */
  add(message: unknown, keys: EmitKey): EmitKey {
    const entry: EmitKey = { ...keys };
    const queue = this.waiting.get(message);
    if (queue === undefined) this.waiting.set(message, [entry]);
    else queue.push(entry);
    return entry;
  }

  /** The keys of the first message sent with this value not asked for yet; undefined if none. */
  take(message: unknown): EmitKey | undefined {
    const queue = this.waiting.get(message);
    const entry = queue?.shift();
    if (queue !== undefined && queue.length === 0) this.waiting.delete(message);
    this.last = entry === undefined ? undefined : { message, entry };
    return entry;
  }

  /** The keys `take()` gave last, if it was given this message; undefined otherwise. */
  taken(message: unknown): EmitKey | undefined {
    const last = this.last;
    return last !== undefined && last.message === message ? last.entry : undefined;
  }

  /** Drops an entry: its send settled (taken, or refused before the Producer asked for it). */
  forget(message: unknown, entry: EmitKey): void {
    if (this.last?.entry === entry) this.last = undefined;
    const queue = this.waiting.get(message);
    if (queue === undefined) return;
    const at = queue.indexOf(entry);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) this.waiting.delete(message);
  }
}
