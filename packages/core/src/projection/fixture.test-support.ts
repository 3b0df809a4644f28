import type { EventEnvelope } from '../query/EventEnvelope.js';
import { envelopeId } from '../query/EventEnvelope.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemoryReadJournal } from '../memory/MemoryReadJournal.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';
import type { ProjectionId, StoredProjection, TransactionalOffsetStore } from '../spi/OffsetStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import type { ProjectionStatus } from './ProjectionStatus.js';
import type { RunningProjection } from './runProjection.js';

/** `split` > 1: the adapter of `splitting` turns the stored event into that many envelopes. */
export interface TestEvent {
  readonly n: number;
  readonly split?: number;
}

export const TAG = 'numbers';

/** Turns `{ n, split: k }` into k envelopes `{ n, part }` that share one offset. */
export const splitting: EventAdapter<TestEvent & { readonly part?: number }, unknown> = {
  manifest: () => '',
  toJournal: (event) => event,
  fromJournal: (stored) => {
    const event = stored as TestEvent;
    const parts = event.split ?? 1;
    return parts <= 1 ? [event] : Array.from({ length: parts }, (_, part) => ({ n: event.n, part }));
  },
};

/** What a handler is given in a `ReadModelStore` transaction: writes that land on commit only. */
export interface ReadModelTx {
  apply(line: string): void;
}

/**
 * A read model with real transactions for exactly-once tests: `apply` stages a line, and the
 * staged lines land in `lines` only if the offset's compare-and-set succeeds, all or none.
 * Offsets are kept by a MemoryOffsetStore.
 */
export class ReadModelStore implements TransactionalOffsetStore<ReadModelTx> {
  readonly lines: string[] = [];
  readonly offsets = new MemoryOffsetStore();
  transactions = 0;
  private readonly waiters: { readonly count: number; readonly resolve: () => void }[] = [];

  /** Resolves once `count` lines are committed. */
  whenLines(count: number): Promise<void> {
    if (this.lines.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  readProjection(id: ProjectionId): Promise<StoredProjection> {
    return this.offsets.readProjection(id);
  }

  saveOffset(id: ProjectionId, expected: string | undefined, next: string | undefined): Promise<void> {
    return this.offsets.saveOffset(id, expected, next);
  }

  savePaused(id: ProjectionId, paused: boolean): Promise<void> {
    return this.offsets.savePaused(id, paused);
  }

  async inTransaction<R>(id: ProjectionId, expected: string | undefined, next: string, work: (tx: ReadModelTx) => R | Promise<R>): Promise<R> {
    const staged: string[] = [];
    const result = await this.offsets.inTransaction(id, expected, next, () => work({ apply: (line) => staged.push(line) }));
    this.transactions++;
    this.lines.push(...staged);
    for (const waiter of this.waiters.filter((w) => this.lines.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return result;
  }
}

export interface FixtureOptions {
  readonly split?: boolean;
  readonly pageSize?: number;
  /** Async handlers the test holds on purpose (see `ActorTestKitOptions.heldWork`). */
  readonly heldWork?: () => number;
}

/** A test kit on a manual clock, a memory journal with its read journal, and an event writer. */
export function projectionFixture(options: FixtureOptions = {}) {
  const kit = ActorTestKit.create({ name: 'projection', ...(options.heldWork === undefined ? {} : { heldWork: options.heldWork }) });
  const journal = new MemoryJournal();
  const readJournal = new MemoryReadJournal<TestEvent & { readonly part?: number }>(journal, {
    scheduler: kit.clock,
    ...(options.split === true ? { eventAdapter: splitting } : {}),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  const sequenceNrs = new Map<string, number>();
  let written = 0;

  /** Persists `count` events `{ n }` (n counting on from the last) for `persistenceId`, tagged. */
  async function write(count: number, persistenceId = 'p', extra: Partial<TestEvent> = {}): Promise<void> {
    for (let i = 0; i < count; i++) {
      const sequenceNr = (sequenceNrs.get(persistenceId) ?? 0) + 1;
      sequenceNrs.set(persistenceId, sequenceNr);
      const event: TestEvent = { n: ++written, ...extra };
      const results = await journal.writeMessages([
        {
          persistenceId,
          events: [
            {
              persistenceId,
              sequenceNr,
              serializerId: 1,
              manifest: '',
              payload: JSON.stringify(event),
              writerUuid: 'writer',
              timestamp: kit.clock.now(),
              tags: [TAG],
            },
          ],
        },
      ]);
      if (results[0] !== undefined) throw results[0];
    }
    readJournal.notifyWritten();
  }

  return { kit, journal, readJournal, write, settle: () => kit.settle() };
}

/** `p:1`, `p:2`, ... for asserting which envelopes a handler saw. */
export function ids(envelopes: readonly EventEnvelope[]): string[] {
  return envelopes.map((envelope) => envelopeId(envelope));
}

/** `1..n` as envelope ids of persistenceId `p`. */
export function range(from: number, to: number, persistenceId = 'p'): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `${persistenceId}:${from + i}`);
}

/** The projection's status once the system is idle. */
export async function settledStatus(kit: ActorTestKit, running: RunningProjection): Promise<ProjectionStatus> {
  await kit.settle();
  const status = running.status();
  await kit.settle();
  return status;
}
