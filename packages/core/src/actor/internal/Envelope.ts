/**
 * Runtime messages that travel through an actor's mailbox next to user messages and are opened
 * inside the actor before its behavior sees them.
 */
export abstract class Envelope {
  abstract readonly kind: 'timer' | 'adapted' | 'terminated';
}

/** A timer firing; delivered only if the timer is still the current one for its key. */
export class TimerFired extends Envelope {
  readonly kind = 'timer';

  constructor(
    readonly key: string,
    readonly generation: number,
    readonly message: unknown,
  ) {
    super();
  }
}

/** A message to be mapped inside the actor (message adapters, pipeToSelf). */
export class Adapted extends Envelope {
  readonly kind = 'adapted';

  constructor(
    readonly produce: () => unknown,
    /** What was sent, reported as the dead letter if the actor is gone. */
    readonly original: unknown,
  ) {
    super();
  }
}

/**
 * A watched actor terminated. It travels through the mailbox, not the runtime queue, so it arrives
 * after every message the watched actor sent before it stopped.
 */
export class WatchedTerminated extends Envelope {
  readonly kind = 'terminated';

  constructor(
    readonly cell: object,
    readonly failure: Error | undefined,
  ) {
    super();
  }
}
