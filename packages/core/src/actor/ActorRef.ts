/**
 * Where messages of type T go. A ref is only its path plus the means to deliver: it serializes to
 * the path (`toJSON`), holds nothing a remote peer would need, and is resolved back with
 * `system.refResolver`.
 */
export interface ActorRef<in T> {
  /** Fire-and-forget, in order per sender; a stopped target publishes a dead letter instead. */
  tell(message: T): void;
  /** e.g. `engram://bank/user/account-1`. */
  readonly path: string;
  toJSON(): string;
}
