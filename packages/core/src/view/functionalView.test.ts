import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { Persistence } from '../persistence/Persistence.js';
import { ReadJournal } from '../query/ReadJournal.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';
import type { JournalReader } from '../spi/JournalReader.js';
import type { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingSnapshotStore } from '../testkit/FaultInjectingSnapshotStore.js';
import { viewTestKit } from './fixtures.test-support.js';
import { persistentView } from './PersistentView.js';
import type { PersistentViewSettings } from './PersistentViewSettings.js';
import { Update } from './Update.js';

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((kit) => kit.shutdown()));
  kits = [];
});

type Query = { readonly type: 'get'; readonly replyTo: ActorRef<readonly string[]> } | { readonly type: 'crash' };

/** Upcasting that turns one stored event into two: a snapshot can fall between them. */
const splitInTwo: EventAdapter<string, unknown> = {
  manifest: () => '',
  toJournal: (event) => event,
  fromJournal: (stored) => [`${String(stored)}.1`, `${String(stored)}.2`],
};

/** A view whose state is every envelope it applied, as `<persistenceId>:<sequenceNr>:<event>`. */
function appliedList(overrides: Partial<PersistentViewSettings<Query, string, readonly string[]>> & { readonly viewId: string }) {
  const settings: PersistentViewSettings<Query, string, readonly string[]> = {
    initialState: [],
    eventHandler: (state, event, envelope) => [...state, `${envelope.persistenceId}:${envelope.sequenceNr}:${event}`],
    commandHandler: (state, command) => {
      if (command.type === 'crash') throw new Error('crash: the view loses what it holds in memory');
      command.replyTo.tell(state);
    },
    ...overrides,
  };
  return Behaviors.supervise(persistentView(settings)).onFailure(SupervisorStrategy.restart());
}

async function get(kit: ActorTestKit, view: ActorRef<Query | Update>): Promise<readonly string[]> {
  const probe = kit.createTestProbe<readonly string[]>();
  // Live events reach the view as the system works on: asked once it is idle, the view has them all.
  await kit.settle();
  view.tell({ type: 'get', replyTo: probe.ref });
  return probe.receiveMessage();
}

const expected = (pid: string, events: readonly string[], firstSequenceNr = 1) =>
  events.flatMap((event, i) => [`${pid}:${firstSequenceNr + i}:${event}.1`, `${pid}:${firstSequenceNr + i}:${event}.2`]);

describe('persistentView (settings), across its own restarts', () => {
  for (const source of [{ persistenceId: 'w1' }, { tag: 'letters' }] as const) {
    it(`following ${'tag' in source ? 'a tag' : 'a persistenceId'}: no event lost or applied twice when a snapshot falls between the envelopes of one stored event`, async () => {
      const snapshotStore = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
      const { kit, write } = viewTestKit(kits, { snapshotStore });
      await write('w1', 'a', 'b', 'c', 'd', 'e');
      // Every 3 envelopes: snapshots after a.1 a.2 b.1 | b.2 c.1 c.2 | d.1 d.2 e.1, each within or after a stored event.
      const view = kit.spawn(appliedList({ viewId: 'letters-view', eventAdapter: splitInTwo, snapshotEvery: 3, ...source }));
      expect(await get(kit, view)).toEqual(expected('w1', ['a', 'b', 'c', 'd', 'e']));
      expect(snapshotStore.saves.map((save) => save.metadata.sequenceNr)).toEqual([3, 6, 9]);

      view.tell({ type: 'crash' }); // restarts from the snapshot taken after e.1
      expect(await get(kit, view)).toEqual(expected('w1', ['a', 'b', 'c', 'd', 'e']));

      await write('w1', 'f', 'g');
      view.tell({ type: 'crash' });
      await write('w1', 'h');
      expect(await get(kit, view)).toEqual(expected('w1', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']));
    });
  }

  it('a failed snapshot is logged and the view goes on; a restart then starts from the snapshot before it', async () => {
    const snapshotStore = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
    const { kit, write } = viewTestKit(kits, { snapshotStore });
    await write('w1', 'a', 'b', 'c');
    snapshotStore.failSave({ nth: 2 });
    const view = kit.spawn(appliedList({ viewId: 'v', persistenceId: 'w1', eventAdapter: splitInTwo, snapshotEvery: 2 }));
    expect(await get(kit, view)).toEqual(expected('w1', ['a', 'b', 'c']));
    expect(kit.logs.find('saving its snapshot failed', 'warn')).toHaveLength(1);
    view.tell({ type: 'crash' });
    expect(await get(kit, view)).toEqual(expected('w1', ['a', 'b', 'c']));
  });

  it('follows a tag across writers, in the global order, live', async () => {
    const { kit, write } = viewTestKit(kits);
    await write('w1', 'a');
    await write('w2', 'b');
    const view = kit.spawn(appliedList({ viewId: 'all-letters', tag: 'letters' }));
    expect(await get(kit, view)).toEqual(['w1:1:a', 'w2:1:b']);
    await write('w2', 'c');
    await write('w1', 'd');
    expect(await get(kit, view)).toEqual(['w1:1:a', 'w2:1:b', 'w2:2:c', 'w1:2:d']);
  });

  it('keeps only its latest snapshot, stored under the viewId', async () => {
    const { kit, write, snapshotStore } = viewTestKit(kits);
    await write('w1', 'a', 'b', 'c', 'd');
    const view = kit.spawn(appliedList({ viewId: 'v', persistenceId: 'w1', snapshotEvery: 2 }));
    await get(kit, view);
    await kit.settle();
    const all = await snapshotStore.load('v', { maxSequenceNr: Infinity, maxTimestamp: Infinity, minSequenceNr: 0, minTimestamp: 0 });
    expect(all?.metadata.sequenceNr).toBe(4);
    expect(await snapshotStore.load('v', { maxSequenceNr: 3, maxTimestamp: Infinity, minSequenceNr: 0, minTimestamp: 0 })).toBeUndefined();
    expect(await snapshotStore.load('w1', { maxSequenceNr: Infinity, maxTimestamp: Infinity, minSequenceNr: 0, minTimestamp: 0 })).toBeUndefined();
  });
});

describe('persistentView (settings), when reading fails', () => {
  it('a failed query is logged as ViewQueryFailed and read again after autoUpdateIntervalMs, from where the view was', async () => {
    const journal = new MemoryJournal();
    const { kit, write } = viewTestKit(kits, { journal });
    await write('w1', 'a', 'b');
    let failures = 2;
    const inner = journal.reader;
    const flaky: JournalReader<number> = Object.assign(Object.create(inner) as JournalReader<number>, {
      readEventsByPersistenceId: (...args: Parameters<JournalReader<number>['readEventsByPersistenceId']>) =>
        failures-- > 0 ? Promise.reject(new Error('connection refused')) : inner.readEventsByPersistenceId(...args),
    });
    // A read journal of its own: it is not woken by the system's writes, so it checks the store every 100 ms.
    const readJournal = (system: ActorTestKit['system']) =>
      new ReadJournal<string>(flaky, { serialization: Persistence.get(system).serialization, scheduler: system.scheduler, pollIntervalMs: 100 }, false);
    const view = kit.spawn(appliedList({ viewId: 'v', persistenceId: 'w1', autoUpdateIntervalMs: 1000, readJournal }));
    expect(await get(kit, view)).toEqual([]);
    const warnings = kit.logs.find('reading events failed', 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/persistent view "v": reading events failed; reading again in 1000 ms: connection refused/);
    await kit.advance(1000);
    expect(kit.logs.find('reading events failed', 'warn')).toHaveLength(2);
    await kit.advance(1000);
    expect(await get(kit, view)).toEqual(['w1:1:a', 'w1:2:b']);
    await write('w1', 'c');
    await kit.advance(100);
    expect(await get(kit, view)).toEqual(['w1:1:a', 'w1:2:b', 'w1:3:c']);
  });

  it('an event it cannot read stops the view with ViewRecoveryFailed instead of skipping it', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([
      {
        persistenceId: 'w1',
        events: [{ persistenceId: 'w1', sequenceNr: 1, serializerId: 999, manifest: 'Mystery', payload: '{}', writerUuid: 'u', timestamp: 0, tags: [] }],
      },
    ]);
    const { kit } = viewTestKit(kits, { journal });
    const view = kit.spawn(persistentView<Query, string, number>({ viewId: 'v', persistenceId: 'w1', initialState: 0, eventHandler: (n) => n + 1 }));
    const terminated = await kit.createTestProbe<never>().expectTerminated(view);
    expect(terminated.failure?.name).toBe('ViewRecoveryFailed');
    expect(terminated.failure?.message).toMatch(/persistent view "v": an event it follows cannot be read; the view stops/);
  });
});

describe('persistentView settings are checked where the view is defined', () => {
  const base = { viewId: 'v', initialState: 0, eventHandler: (n: number) => n };
  it.each([
    [{ ...base }, /exactly one of persistenceId \(one actor\) or tag/],
    [{ ...base, persistenceId: 'p', tag: 't' }, /exactly one of persistenceId/],
    [{ ...base, persistenceId: 'v' }, /viewId.*an id other than the followed persistenceId/],
    [{ ...base, persistenceId: 'p', autoUpdateIntervalMs: 0 }, /autoUpdateIntervalMs.*>= 1/],
    [{ ...base, persistenceId: 'p', autoUpdateReplayMax: 1.5 }, /autoUpdateReplayMax.*an integer/],
    [{ ...base, viewId: '', persistenceId: 'p' }, /viewId.*a non-empty string/],
  ])('%o is refused', (settings, message) => {
    expect(() => persistentView(settings as PersistentViewSettings<never, unknown, number>)).toThrow(message);
  });

  it('Update refuses a replayMax below 1', () => {
    expect(() => new Update({ replayMax: 0 })).toThrow(/Update replayMax/);
  });
});
