import { EngramError } from '../errors/index.js';

/** An `ask` got no reply in time. Names the target and the timeout. */
export class AskTimeout extends EngramError {
  override readonly name = 'AskTimeout';

  constructor(
    readonly target: string,
    readonly timeoutMs: number,
    readonly messageType: string,
  ) {
    super(`ask to ${target} timed out after ${timeoutMs} ms waiting for a reply to ${messageType}`);
  }
}

/**
 * An `ask` whose target was not alive when the request was sent (`'not alive'`: it had stopped, or
 * nothing ever lived at the path, and the request went to dead letters), or stopped before it
 * replied (`'stopped before reply'`). `cause` is the failure the target stopped with, if any.
 */
export class RecipientTerminated extends EngramError {
  override readonly name = 'RecipientTerminated';

  constructor(
    readonly path: string,
    readonly requestType: string,
    readonly when: 'not alive' | 'stopped before reply',
    failure?: Error,
  ) {
    const failed = failure === undefined ? '' : `after failing with ${failure.name}: ${failure.message}`;
    const notAlive = failure === undefined ? 'is not alive (stopped, or never existed)' : `had stopped ${failed}`;
    super(
      when === 'not alive'
        ? `ask to ${path} failed: the recipient ${notAlive}, so ${requestType} went to dead letters`
        : `ask to ${path} failed: the recipient stopped before replying to ${requestType}${failure === undefined ? '' : ` ${failed}`}`,
      failure,
    );
  }
}

/** A stash buffer is full: the message that did not fit is named, the actor fails with this. */
export class StashOverflow extends EngramError {
  override readonly name = 'StashOverflow';

  constructor(
    readonly actor: string,
    readonly capacity: number,
    readonly messageType: string,
  ) {
    super(`stash of ${actor} is full (capacity ${capacity}); could not stash ${messageType}`);
  }
}

/** An actor name that is empty, contains '/', starts with '$', or is taken by a live sibling. */
export class InvalidActorName extends EngramError {
  override readonly name = 'InvalidActorName';

  constructor(
    readonly actorName: string,
    readonly parent: string,
    reason: string,
  ) {
    super(`invalid actor name ${JSON.stringify(actorName)} under ${parent}: ${reason}`);
  }
}

/** `tell` of null or undefined: every message must be a value. */
export class InvalidMessage extends EngramError {
  override readonly name = 'InvalidMessage';

  constructor(readonly target: string) {
    super(`cannot send null or undefined to ${target}: messages must be values`);
  }
}

/** A watched actor terminated and the watcher did not handle the `Terminated` signal. */
export class DeathPactError extends EngramError {
  override readonly name = 'DeathPactError';

  constructor(
    readonly actor: string,
    readonly terminated: string,
  ) {
    super(`${actor} watched ${terminated}, which terminated, and did not handle the Terminated signal`);
  }
}

/** An operation that needs a running system was called after `terminate()`. */
export class ActorSystemTerminated extends EngramError {
  override readonly name = 'ActorSystemTerminated';

  constructor(
    readonly system: string,
    operation: string,
  ) {
    super(`cannot ${operation}: actor system "${system}" is terminated or terminating`);
  }
}

/** A context method was used in a way the actor model forbids (e.g. stopping a non-child). */
export class IllegalActorOperation extends EngramError {
  override readonly name = 'IllegalActorOperation';

  constructor(
    readonly actor: string,
    reason: string,
  ) {
    super(`${actor}: ${reason}`);
  }
}

/** Name of a message's type for error messages: its `type` field, else its constructor. */
export function describeMessage(message: unknown): string {
  if (message === null || message === undefined) return String(message);
  if (typeof message === 'object') {
    const type = (message as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    const ctor = (message as object).constructor?.name;
    return ctor && ctor !== 'Object' ? ctor : 'object';
  }
  return typeof message;
}

/** A handler threw (or rejected with) something that is not an Error. */
export class NonErrorFailure extends EngramError {
  override readonly name = 'NonErrorFailure';

  constructor(readonly thrown: unknown) {
    super(`a handler threw a value that is not an Error: ${describeThrown(thrown)}`);
  }
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return typeof value;
  }
}
