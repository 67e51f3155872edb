/**
 * Key of the Producer method called as each item is accepted (at once or after waiting for
 * room), which the browser Producer overrides. Not exported by the package: a subclass of the
 * caller's own cannot override it, or have a method of its own called by mistake.
 */
export const itemAcceptedHook: unique symbol = Symbol('rxjs-kinesis.itemAccepted');
