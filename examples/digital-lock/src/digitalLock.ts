import { persistentFSM, type ActorRef, type Behavior } from '@engram/core';

// The seed's digital lock (Akka's PersistentFSM example) as an Engram persistent FSM. Commands are
// not persisted; the state (Locked / Unlocked) and the domain events are. The digits entered so
// far are the FSM's data, rebuilt from the events on recovery, so a restart in the middle of a
// combination keeps the digits already entered.

export type LockState = 'Locked' | 'Unlocked';
export type Combination = readonly number[];

export type UnlockReply = 'welcome to the realm' | 'wrong combination' | 'already unlocked';
export interface LockStatus {
  readonly state: LockState;
  /** How many digits were entered since the last try (never which ones). */
  readonly digitsEntered: number;
}
export type LockReport = 'the lock is secure' | 'intrusion detected' | 'the lock opened' | 'locked again after the auto-lock delay';

export type LockCommand =
  | { readonly type: 'Lock' }
  | { readonly type: 'EnterDigit'; readonly digit: number }
  | { readonly type: 'TryUnlock'; readonly replyTo: ActorRef<UnlockReply> }
  | { readonly type: 'GetStatus'; readonly replyTo: ActorRef<LockStatus> };

// Past tense: what happened.
export type LockEvent =
  | { readonly type: 'ComboCleared' }
  | { readonly type: 'DigitEntered'; readonly digit: number }
  | { readonly type: 'IntrusionDetected'; readonly combination: Combination };

export interface DigitalLockOptions {
  readonly secret: Combination;
  /** Gets what the seed's `reportActor` gets. */
  readonly report?: ActorRef<LockReport>;
  /** An unlocked lock locks itself after this long (a state timeout that survives restarts). */
  readonly autoLockMs?: number;
}

export function isDigit(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 9;
}

export function digitalLock(id: string, options: DigitalLockOptions): Behavior<LockCommand> {
  const { secret, autoLockMs = 30_000 } = options;
  const report = (message: LockReport) => options.report?.tell(message);
  return persistentFSM<LockCommand, LockEvent, LockState, Combination>({
    persistenceId: `DigitalLock|${id}`,
    initialState: 'Unlocked',
    initialData: [],
    when: {
      Unlocked: (command, _combo, { goto, stay }) => {
        switch (command.type) {
          case 'Lock':
            // Persists only the state change; the side effect runs once it is stored.
            return goto('Locked').andThen(() => report('the lock is secure'));
          case 'StateTimeout':
            return goto('Locked').andThen(() => report('locked again after the auto-lock delay'));
          case 'TryUnlock':
            return stay().replying(command.replyTo, 'already unlocked');
          default:
            return undefined;
        }
      },
      Locked: (command, combo, { goto, stay, ctx }) => {
        switch (command.type) {
          case 'EnterDigit':
            if (!isDigit(command.digit)) {
              ctx.log.warn({ digit: command.digit }, 'not a digit: ignored');
              return stay();
            }
            return stay().applying({ type: 'DigitEntered', digit: command.digit });
          case 'TryUnlock':
            if (sameCombination(combo, secret)) {
              return goto('Unlocked')
                .applying({ type: 'ComboCleared' })
                .forMax(autoLockMs)
                .replying(command.replyTo, 'welcome to the realm')
                .andThen(() => report('the lock opened'));
            }
            // Both events are kept: the intrusion for audit purposes only.
            return stay()
              .applying({ type: 'ComboCleared' }, { type: 'IntrusionDetected', combination: combo })
              .replying(command.replyTo, 'wrong combination')
              .andThen(() => report('intrusion detected'));
          default:
            return undefined;
        }
      },
    },
    whenUnhandled: (command, combo, { stay, stateName }) =>
      command.type === 'GetStatus' ? stay().replying(command.replyTo, { state: stateName, digitsEntered: combo.length }) : undefined,
    applyEvent: (event, combo) => {
      switch (event.type) {
        case 'ComboCleared':
          return [];
        case 'DigitEntered':
          return [...combo, event.digit];
        case 'IntrusionDetected':
          return combo;
      }
    },
    tagger: () => ['lock'],
  });
}

function sameCombination(a: Combination, b: Combination): boolean {
  return a.length === b.length && a.every((digit, i) => digit === b[i]);
}
