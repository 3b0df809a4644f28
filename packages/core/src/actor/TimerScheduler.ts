/**
 * Keyed timers that send messages to the actor itself. Starting a timer with a key that is active
 * replaces it; a cancelled timer's message is never delivered, even when already due. All timers
 * are cancelled when the actor stops or restarts. Time comes from the system's Scheduler, so tests
 * drive it with a manual clock.
 */
export interface TimerScheduler<T> {
  /** Sends `message` once, after `delayMs`. */
  startSingleTimer(key: string, message: T, delayMs: number): void;
  /** Sends `message` every `delayMs` after the previous one was sent (first after `initialDelayMs`). */
  startTimerWithFixedDelay(key: string, message: T, delayMs: number, initialDelayMs?: number): void;
  /** Sends `message` at a fixed rate; if the actor falls behind, due messages are sent to catch up. */
  startTimerAtFixedRate(key: string, message: T, intervalMs: number, initialDelayMs?: number): void;
  isTimerActive(key: string): boolean;
  cancel(key: string): void;
  cancelAll(): void;
}
