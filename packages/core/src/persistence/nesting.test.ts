import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { Effect } from './Effect.js';
import { eventSourced } from './eventSourced.js';
import { storedPayloads } from './fixtures/HeldJournal.test-support.js';
import { PersistentActor, persistentActor } from './PersistentActor.js';
import type { PersistenceResponse } from './responses.js';

// Nested persist / persistAsync / defer inside handlers, with Akka's ordering (PersistentActorSpec
// "nested persist" cases): a nested handler runs right after the outer handler's siblings.

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((k) => k.shutdown()));
  kits = [];
});

function setup() {
  const journal = new MemoryJournal();
  const kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
  kits.push(kit);
  return { journal, kit, probe: kit.createTestProbe<string>() };
}

type Cmd = { readonly text: string };
type Nesting = 'persist' | 'persistAsync' | 'deferInPersist' | 'persistInDefer' | 'single' | 'singleAsync';

class Nested extends PersistentActor<Cmd, string> {
  constructor(
    readonly persistenceId: string,
    private readonly probe: ActorRef<string>,
    private readonly nesting: Nesting,
  ) {
    super();
  }

  receiveRecover(): void {}

  receiveCommand(message: Cmd | PersistenceResponse): void {
    if (!('text' in message)) return;
    const s = message.text;
    const tell = (text: string) => this.probe.tell(text);
    tell(s);
    // One outer write only: no later journal reply would carry the nested write along.
    if (this.nesting === 'single') return this.persist(`${s}-outer`, () => this.persist(`${s}-inner`, tell));
    if (this.nesting === 'singleAsync') return this.persistAsync(`${s}-outer`, () => this.persistAsync(`${s}-inner`, tell));
    for (const n of [1, 2]) {
      switch (this.nesting) {
        case 'persist':
          this.persist(`${s}-outer-${n}`, (outer) => {
            tell(outer);
            this.persist(`${s}-inner-${n}`, tell);
          });
          break;
        case 'persistAsync':
          this.persistAsync(`${s}-outer-${n}`, (outer) => {
            tell(outer);
            this.persistAsync(`${s}-inner-${n}`, tell);
          });
          break;
        case 'deferInPersist':
          this.persist(`${s}-outer-${n}`, (outer) => {
            tell(outer);
            this.defer(`${s}-deferred-${n}`, tell);
          });
          break;
        case 'persistInDefer':
          this.defer(`${s}-deferred-${n}`, (deferred) => {
            tell(deferred);
            this.persist(`${s}-inner-${n}`, tell);
          });
          break;
      }
    }
  }
}

describe('nested persist in a classic PersistentActor', () => {
  it('persist inside a persist handler: runs after the siblings, and later commands wait for it', async () => {
    const { journal, kit, probe } = setup();
    const ref = kit.spawn(persistentActor(() => new Nested('n1', probe.ref, 'persist')));
    ref.tell({ text: 'a' });
    ref.tell({ text: 'b' });
    const expected = ['a', 'a-outer-1', 'a-outer-2', 'a-inner-1', 'a-inner-2'];
    expect(await probe.receiveMessages(10)).toEqual([...expected, ...expected.map((s) => s.replace('a', 'b'))]);
    expect(await storedPayloads(journal, 'n1')).toEqual(
      ['a-outer-1', 'a-outer-2', 'a-inner-1', 'a-inner-2', 'b-outer-1', 'b-outer-2', 'b-inner-1', 'b-inner-2'],
    );
  });

  it('a lone persist with a nested persist: the nested one is sent, and the next command is answered', async () => {
    const { journal, kit, probe } = setup();
    const ref = kit.spawn(persistentActor(() => new Nested('n0', probe.ref, 'single')));
    ref.tell({ text: 'a' });
    ref.tell({ text: 'b' });
    expect(await probe.receiveMessages(4)).toEqual(['a', 'a-inner', 'b', 'b-inner']);
    expect(await storedPayloads(journal, 'n0')).toEqual(['a-outer', 'a-inner', 'b-outer', 'b-inner']);
  });

  it('a lone persistAsync with a nested persistAsync: the nested event is stored, not dropped', async () => {
    const { journal, kit, probe } = setup();
    const ref = kit.spawn(persistentActor(() => new Nested('n00', probe.ref, 'singleAsync')));
    ref.tell({ text: 'a' });
    expect(await probe.receiveMessages(2)).toEqual(['a', 'a-inner']);
    expect(await storedPayloads(journal, 'n00')).toEqual(['a-outer', 'a-inner']);
  });

  it('persistAsync inside a persistAsync handler is stored, never dropped', async () => {
    const { journal, kit, probe } = setup();
    const ref = kit.spawn(persistentActor(() => new Nested('n2', probe.ref, 'persistAsync')));
    ref.tell({ text: 'a' });
    expect(await probe.receiveMessages(5)).toEqual(['a', 'a-outer-1', 'a-outer-2', 'a-inner-1', 'a-inner-2']);
    expect(await storedPayloads(journal, 'n2')).toEqual(['a-outer-1', 'a-outer-2', 'a-inner-1', 'a-inner-2']);
  });

  it('defer inside a persist handler runs after the handlers queued before it', async () => {
    const { kit, probe } = setup();
    const ref = kit.spawn(persistentActor(() => new Nested('n3', probe.ref, 'deferInPersist')));
    ref.tell({ text: 'a' });
    ref.tell({ text: 'b' });
    expect(await probe.receiveMessages(10)).toEqual([
      'a', 'a-outer-1', 'a-outer-2', 'a-deferred-1', 'a-deferred-2',
      'b', 'b-outer-1', 'b-outer-2', 'b-deferred-1', 'b-deferred-2',
    ]);
  });

  it('persist inside a defer handler is stored, and commands wait for its handler', async () => {
    const { journal, kit, probe } = setup();
    const ref = kit.spawn(persistentActor(() => new Nested('n4', probe.ref, 'persistInDefer')));
    ref.tell({ text: 'a' });
    ref.tell({ text: 'b' });
    // As in Akka, a defer with nothing pending runs at once; the second one waits for inner-1.
    expect(await probe.receiveMessages(10)).toEqual([
      'a', 'a-deferred-1', 'a-inner-1', 'a-deferred-2', 'a-inner-2',
      'b', 'b-deferred-1', 'b-inner-1', 'b-deferred-2', 'b-inner-2',
    ]);
    expect(await storedPayloads(journal, 'n4')).toEqual(['a-inner-1', 'a-inner-2', 'b-inner-1', 'b-inner-2']);
  });
});

describe('persisting from a side effect of eventSourced', () => {
  it('a thenRun that returns an Effect fails the actor with a named error instead of hanging', async () => {
    const { kit } = setup();
    const ref = kit.spawn(
      eventSourced<string, string, number>({
        persistenceId: 'n5',
        emptyState: 0,
        commandHandler: (_state, command) =>
          Effect.persist(command).thenRun(() => Effect.persist(`${command}-again`) as unknown as void),
        eventHandler: (state) => state + 1,
      }),
    );
    ref.tell('a');
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('IllegalPersistenceOperation');
    expect(terminated.failure?.message).toMatch(/persisting from thenRun is not allowed/);
  });
});
