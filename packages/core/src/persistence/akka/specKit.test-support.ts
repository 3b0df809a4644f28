import type { ActorRef } from '../../actor/ActorRef.js';
import { MemoryJournal } from '../../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../../memory/MemorySnapshotStore.js';
import type { Journal } from '../../spi/Journal.js';
import type { PersistentRepr } from '../../spi/PersistentRepr.js';
import { ActorTestKit } from '../../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../../testkit/FaultInjectingJournal.js';
import { FaultInjectingSnapshotStore } from '../../testkit/FaultInjectingSnapshotStore.js';
import type { PersistenceConfig } from '../PersistenceConfig.js';

/** What a user's code throws in the ported specs (Akka's TestException). */
export class TestException extends Error {
  override readonly name = 'TestException';
}

export interface SpecKit {
  readonly kit: ActorTestKit;
  readonly journal: FaultInjectingJournal;
  readonly snapshotStore: FaultInjectingSnapshotStore;
}

export interface SpecKitOptions {
  /** The journal under the fault-injecting one (default: a MemoryJournal). */
  readonly journal?: Journal;
  readonly persistence?: Omit<PersistenceConfig, 'journal' | 'snapshotStore'>;
  readonly heldWork?: () => number;
}

/** A test kit on fault-injecting in-memory stores, with the manual clock. */
export function specKit(options: SpecKitOptions = {}): SpecKit {
  const journal = new FaultInjectingJournal(options.journal ?? new MemoryJournal());
  const snapshotStore = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
  const kit = ActorTestKit.create({
    config: { persistence: { ...options.persistence, journal, snapshotStore } },
    ...(options.heldWork === undefined ? {} : { heldWork: options.heldWork }),
  });
  return { kit, journal, snapshotStore };
}

/** The events stored for `persistenceId`, decoded from the JSON serializer's payloads. */
export async function storedEvents(journal: Journal, persistenceId: string): Promise<unknown[]> {
  const events: PersistentRepr[] = [];
  await journal.replayMessages(persistenceId, 1, Infinity, Infinity, (e) => events.push(e));
  return events.map((e) => JSON.parse(e.payload as string) as unknown);
}

/** Waits until `ref` terminated; returns the failure it stopped with (undefined when it stopped normally). */
export async function terminated(kit: ActorTestKit, ref: ActorRef<never>): Promise<Error | undefined> {
  return (await kit.createTestProbe<never>().expectTerminated(ref)).failure;
}
