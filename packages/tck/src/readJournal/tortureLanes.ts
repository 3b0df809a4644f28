import type { AtomicWrite, Journal } from '@engram/core/spi';
import type { TortureWriter } from '../ReadJournalTckOptions.js';
import { atomicWriteOf } from './envelopes.js';
import type { Random } from './Random.js';

const WRITER_UUID = 'tck-gap-torture';

/** One writer in flight at a time, owning its ids (the engine writes one id from one place at a time). */
export interface Lane {
  readonly name: string;
  /** Writes whose transaction it can hold open and roll back. */
  readonly holds: boolean;
  write(writes: readonly AtomicWrite[], holdMs: number, rollback: boolean): Promise<void>;
}

export function plainLane(name: string, journal: Journal): Lane {
  return {
    name,
    holds: false,
    write: async (writes) => {
      const results = await journal.writeMessages(writes);
      const refused = results.map((result, i) => [result, writes[i]!] as const).filter(([result]) => result !== undefined);
      if (refused.length > 0) {
        const [error, write] = refused[0]!;
        throw new Error(`${name}: the journal refused the write of ${write.persistenceId} seq ${write.events[0]?.sequenceNr}: ${error?.message}`, { cause: error });
      }
    },
  };
}

export function tortureLane(name: string, writer: TortureWriter): Lane {
  return { name, holds: true, write: (writes, holdMs, rollback) => writer.write(writes, { holdMs, rollback }) };
}

/** What the lanes did: the events of committed and of rolled-back writes. */
export interface LaneOutcome {
  readonly committed: Set<string>;
  readonly tagged: Set<string>;
  readonly rolledBack: Set<string>;
  writes: number;
}

export interface LanePlan {
  readonly prefix: string;
  readonly tag: string;
  readonly writesPerLane: number;
  readonly rollbackRate: number;
  readonly maxHoldMs: number;
  /** Called after every write, for starting readers while the writers run. */
  readonly onProgress: (outcome: LaneOutcome) => void;
}

/**
 * Runs every lane at once. Each write stores one or two AtomicWrites (ids of the lane) of one to
 * three events, some tagged; holding lanes keep the transaction open for a random time and roll
 * some back. Sequence nrs of a rolled-back write are not reused, as the engine does after a
 * rejection, so every event has its own key.
 */
export async function runLanes(lanes: readonly Lane[], plan: LanePlan, random: Random): Promise<LaneOutcome> {
  const outcome: LaneOutcome = { committed: new Set(), tagged: new Set(), rolledBack: new Set(), writes: 0 };
  await Promise.all(
    lanes.map(async (lane, l) => {
      const ids = [0, 1, 2].map((k) => `${plan.prefix}lane${l}-${k}`);
      const next = new Map(ids.map((id) => [id, 1]));
      for (let w = 0; w < plan.writesPerLane; w++) {
        const chosen = random.chance(0.3) ? ids.filter(() => random.chance(0.7)).slice(0, 2) : [random.pick(ids)];
        const targets = chosen.length === 0 ? [random.pick(ids)] : chosen;
        const writes = targets.map((pid) => {
          const first = next.get(pid)!;
          const tagged = random.chance(0.5);
          const texts = Array.from({ length: random.int(1, 3) }, (_, i) => `${tagged ? 'a green' : 'a plain'} ${lane.name} ${first + i}`);
          next.set(pid, first + texts.length);
          return { write: atomicWriteOf(pid, first, texts, tagged ? [plan.tag] : [], WRITER_UUID), tagged };
        });
        const rollback = lane.holds && random.chance(plan.rollbackRate);
        const holdMs = lane.holds ? random.int(0, plan.maxHoldMs) : 0;
        const pause = lane.holds ? 0 : random.int(0, 10);
        await lane.write(
          writes.map((w) => w.write),
          holdMs,
          rollback,
        );
        for (const { write, tagged } of writes) {
          for (const event of write.events) {
            const key = `${event.persistenceId}:${event.sequenceNr}`;
            if (rollback) {
              outcome.rolledBack.add(key);
            } else {
              outcome.committed.add(key);
              if (tagged) outcome.tagged.add(key);
            }
          }
        }
        outcome.writes++;
        plan.onProgress(outcome);
        // Plain writes land at once; a short pause spreads them over the readers' restarts.
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }),
  );
  return outcome;
}
