/**
 * Base of messages Engram's extensions send to an actor for its own machinery (e.g. journal
 * replies to a persistent actor). They never reach user code and are not published as dead
 * letters when the actor is gone.
 */
export abstract class InternalMessage {}
