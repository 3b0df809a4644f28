import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import type { SnapshotOffer } from '../persistence/responses.js';
import { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import type { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { viewTestKit } from './fixtures.test-support.js';
import { PersistentView, persistentView } from './PersistentView.js';
import { Update } from './Update.js';

// The intent of Akka.NET's PersistentViewSpec, on the manual clock: a writer has persisted "a" and
// "b"; views follow it.

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((kit) => kit.shutdown()));
  kits = [];
});

type ViewCommand = 'get' | 'boom' | 'snap' | 'restart';

class TestView extends PersistentView<ViewCommand, string> {
  readonly persistenceId = 'writer-1';
  readonly viewId = 'writer-1-view';
  private last = 'nothing';

  constructor(
    private readonly probe: ActorRef<string>,
    settings: { autoUpdate?: boolean; autoUpdateIntervalMs?: number; autoUpdateReplayMax?: number } = {},
  ) {
    super();
    if (settings.autoUpdate !== undefined) this.autoUpdate = settings.autoUpdate;
    if (settings.autoUpdateIntervalMs !== undefined) this.autoUpdateIntervalMs = settings.autoUpdateIntervalMs;
    if (settings.autoUpdateReplayMax !== undefined) this.autoUpdateReplayMax = settings.autoUpdateReplayMax;
  }

  receiveEvent(event: string): void {
    this.last = `replicated-${event}-${this.lastSequenceNr}`;
    this.probe.tell(this.isPersistent ? this.last : 'isPersistent was false in receiveEvent');
  }

  receiveCommand(command: ViewCommand): void {
    switch (command) {
      case 'get':
        return this.probe.tell(`${this.last} (isPersistent ${this.isPersistent}, lastSequenceNr ${this.lastSequenceNr})`);
      case 'boom':
        throw new Error('boom');
      case 'snap':
        return this.saveSnapshot(this.last);
      case 'restart':
        throw new Error('restart me');
    }
  }

  override receiveSnapshot(offer: SnapshotOffer): void {
    this.last = String(offer.snapshot);
    this.probe.tell(`offered ${this.last} at ${offer.metadata.sequenceNr}`);
  }

  override onSnapshotSaved(): void {
    this.probe.tell('snapped');
  }
}

async function setUp(settings?: ConstructorParameters<typeof TestView>[1]) {
  const journal = new FaultInjectingJournal(new MemoryJournal());
  const t = viewTestKit(kits, { journal });
  await t.write('writer-1', 'a', 'b');
  const probe = t.kit.createTestProbe<string>();
  const spawnView = () =>
    t.kit.spawn(Behaviors.supervise(persistentView(() => new TestView(probe.ref, settings))).onFailure(SupervisorStrategy.restart()));
  return { ...t, journal, probe, spawnView };
}

describe('PersistentView (classic), after Akka.NET PersistentViewSpec', () => {
  it('receives the past events of the persistent actor, each with its sequence nr', async () => {
    const { probe, spawnView } = await setUp();
    spawnView();
    expect(await probe.receiveMessages(2)).toEqual(['replicated-a-1', 'replicated-b-2']);
  });

  it('receives live events as they are stored, without waiting for the interval (a live query)', async () => {
    const { probe, spawnView, write } = await setUp();
    spawnView();
    await probe.receiveMessages(2);
    await write('writer-1', 'c');
    expect(await probe.receiveMessage()).toBe('replicated-c-3');
  });

  it('without autoUpdate, reads only on Update', async () => {
    const { probe, spawnView, write, kit } = await setUp({ autoUpdate: false });
    const view = spawnView();
    expect(await probe.receiveMessages(2)).toEqual(['replicated-a-1', 'replicated-b-2']);
    await write('writer-1', 'c');
    await kit.advance(60_000);
    await probe.expectNoMessage();
    view.tell(new Update());
    expect(await probe.receiveMessage()).toBe('replicated-c-3');
  });

  it('Update({ await: true }): the messages sent after it see what was stored when it was sent', async () => {
    const { probe, spawnView, write } = await setUp({ autoUpdate: false });
    const view = spawnView();
    await probe.receiveMessages(2);
    await write('writer-1', 'c', 'd');
    view.tell(new Update({ await: true }));
    view.tell('get');
    expect(await probe.receiveMessages(3)).toEqual([
      'replicated-c-3',
      'replicated-d-4',
      'replicated-d-4 (isPersistent false, lastSequenceNr 4)',
    ]);
  });

  it('size-limited updates on request: Update({ replayMax }) applies at most that many', async () => {
    const { probe, spawnView, write } = await setUp({ autoUpdate: false, autoUpdateReplayMax: 1 });
    await write('writer-1', 'c', 'd', 'e', 'f');
    const view = spawnView();
    view.tell('get');
    expect(await probe.receiveMessages(2)).toEqual(['replicated-a-1', 'replicated-a-1 (isPersistent false, lastSequenceNr 1)']);
    view.tell(new Update({ await: true, replayMax: 2 }));
    view.tell('get');
    expect((await probe.receiveMessages(3))[2]).toBe('replicated-c-3 (isPersistent false, lastSequenceNr 3)');
    view.tell(new Update({ await: true, replayMax: 10 }));
    view.tell('get');
    expect((await probe.receiveMessages(4))[3]).toBe('replicated-f-6 (isPersistent false, lastSequenceNr 6)');
  });

  it('size-limited updates automatically: at most autoUpdateReplayMax events per autoUpdateIntervalMs', async () => {
    const { probe, spawnView, write, kit } = await setUp({ autoUpdateIntervalMs: 1000, autoUpdateReplayMax: 2 });
    await write('writer-1', 'c', 'd', 'e');
    spawnView();
    expect(await probe.receiveMessages(2)).toEqual(['replicated-a-1', 'replicated-b-2']);
    await kit.advance(999);
    await probe.expectNoMessage();
    await kit.advance(1);
    expect(await probe.receiveMessages(2)).toEqual(['replicated-c-3', 'replicated-d-4']);
    await kit.advance(1000);
    expect(await probe.receiveMessage()).toBe('replicated-e-5');
    // One event of this interval's two is left: the next is applied as soon as it is stored.
    await write('writer-1', 'f', 'g');
    expect(await probe.receiveMessage()).toBe('replicated-f-6');
    await probe.expectNoMessage();
    await kit.advance(1000);
    expect(await probe.receiveMessage()).toBe('replicated-g-7');
  });

  it('after a failure outside an update, the restarted view reads the events again from the start (state rebuilt, not doubled)', async () => {
    const { probe, spawnView } = await setUp();
    const view = spawnView();
    await probe.receiveMessages(2);
    view.tell('boom');
    view.tell('get');
    expect(await probe.receiveMessages(3)).toEqual([
      'replicated-a-1',
      'replicated-b-2',
      'replicated-b-2 (isPersistent false, lastSequenceNr 2)',
    ]);
  });

  it('tells events from commands: isPersistent and lastSequenceNr', async () => {
    const { probe, spawnView, write } = await setUp();
    const view = spawnView();
    view.tell('get');
    expect(await probe.receiveMessages(3)).toEqual([
      'replicated-a-1',
      'replicated-b-2',
      'replicated-b-2 (isPersistent false, lastSequenceNr 2)',
    ]);
    await write('writer-1', 'c');
    expect(await probe.receiveMessage()).toBe('replicated-c-3');
  });

  it('takes snapshots under its viewId: after a restart it starts from the snapshot and reads only what came after', async () => {
    const { probe, spawnView, write, snapshotStore } = await setUp();
    const view = spawnView();
    await probe.receiveMessages(2);
    view.tell('snap');
    expect(await probe.receiveMessage()).toBe('snapped');
    const stored = await snapshotStore.load('writer-1-view', SnapshotSelectionCriteria.latest());
    expect(stored?.metadata.sequenceNr).toBe(2);
    view.tell('restart');
    await write('writer-1', 'c');
    expect(await probe.receiveMessages(2)).toEqual(['offered replicated-b-2 at 2', 'replicated-c-3']);
    view.tell('get');
    expect(await probe.receiveMessage()).toBe('replicated-c-3 (isPersistent false, lastSequenceNr 3)');
  });

  it('never writes to the journal', async () => {
    const { probe, spawnView, journal } = await setUp();
    const writesBefore = journal.writes.length;
    const view = spawnView();
    await probe.receiveMessages(2);
    view.tell('snap');
    await probe.expectMessage('snapped');
    view.tell(new Update({ await: true }));
    view.tell('boom');
    await probe.expectMessage('offered replicated-b-2 at 2');
    expect(journal.writes.length).toBe(writesBefore);
    expect(journal.writes.map((write) => write.persistenceId)).toEqual(['writer-1', 'writer-1']);
  });

  it('members used in the constructor fail with an error naming the view', () => {
    class Early extends PersistentView<never, string> {
      readonly persistenceId = 'writer-1';
      readonly viewId = 'early';
      readonly seen = this.lastSequenceNr;
      receiveEvent(): void {}
      receiveCommand(): void {}
    }
    expect(() => new Early()).toThrow(/lastSequenceNr is only available once the view runs/);
  });
});
