import { requireNumber } from '../errors/index.js';
import { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';

/** How a persistent actor recovers its state when it starts. */
export interface Recovery {
  /** Which snapshot to start from; `SnapshotSelectionCriteria.none()` replays every event. */
  readonly fromSnapshot: SnapshotSelectionCriteria;
  /** Replay events up to this sequence nr (inclusive). */
  readonly toSequenceNr: number;
  /** Replay at most this many events. */
  readonly replayMax: number;
}

export interface RecoveryOptions {
  readonly fromSnapshot?: SnapshotSelectionCriteria;
  readonly toSequenceNr?: number;
  readonly replayMax?: number;
}

export const Recovery = {
  /** The latest snapshot, then every event after it. */
  default(): Recovery {
    return { fromSnapshot: SnapshotSelectionCriteria.latest(), toSequenceNr: Infinity, replayMax: Infinity };
  },

  /** No snapshot and no events: start from the empty state (new events still get the next sequence nr). */
  none(): Recovery {
    return { fromSnapshot: SnapshotSelectionCriteria.none(), toSequenceNr: 0, replayMax: 0 };
  },

  /** A Recovery as is, or one built from options (`{ toSequenceNr: 100 }` etc.). */
  from(recovery: Recovery | RecoveryOptions | undefined): Recovery {
    if (recovery === undefined) return Recovery.default();
    const complete = recovery as Partial<Recovery>;
    if (complete.fromSnapshot !== undefined && complete.toSequenceNr !== undefined && complete.replayMax !== undefined) {
      return recovery as Recovery;
    }
    return Recovery.withOptions(recovery);
  },

  withOptions(options: RecoveryOptions): Recovery {
    const toSequenceNr = requireNumber('recovery toSequenceNr', options.toSequenceNr ?? Infinity, {
      min: 0,
      integer: true,
      allowInfinity: true,
    });
    const fromSnapshot = options.fromSnapshot ?? SnapshotSelectionCriteria.latest();
    return {
      // A snapshot past toSequenceNr would include events the caller asked not to recover.
      fromSnapshot: { ...fromSnapshot, maxSequenceNr: Math.min(fromSnapshot.maxSequenceNr, toSequenceNr) },
      toSequenceNr,
      replayMax: requireNumber('recovery replayMax', options.replayMax ?? Infinity, {
        min: 0,
        integer: true,
        allowInfinity: true,
      }),
    };
  },
} as const;
