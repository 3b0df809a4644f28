import type { ActorRef } from './ActorRef.js';

/** After the actor stopped (by itself, by its parent, or by failure); its children are already gone. */
export interface PostStop {
  readonly type: 'PostStop';
}

/** Before a supervised actor is restarted after a failure. */
export interface PreRestart {
  readonly type: 'PreRestart';
}

/**
 * A watched actor terminated. `failure` is set when it stopped because of an error. Not handling
 * this signal makes the watcher fail with `DeathPactError`, as in Akka.
 */
export interface Terminated {
  readonly type: 'Terminated';
  readonly ref: ActorRef<never>;
  readonly failure?: Error;
}

export type Signal = PostStop | PreRestart | Terminated;

export const PostStop: PostStop = Object.freeze({ type: 'PostStop' });
export const PreRestart: PreRestart = Object.freeze({ type: 'PreRestart' });
