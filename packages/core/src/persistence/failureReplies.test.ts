import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ask } from '../actor/ask.js';
import type { Behavior } from '../actor/Behavior.js';
import { Behaviors } from '../actor/Behaviors.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import { Effect } from './Effect.js';
import type { PersistFailure } from './errors.js';
import { eventSourced } from './eventSourced.js';
import { storedEvent } from './fixtures/GatedJournal.test-support.js';
import { HeldJournal, storedPayloads } from './fixtures/HeldJournal.test-support.js';
import { RecordingJournal } from './fixtures/RecordingJournal.test-support.js';

// Effect.onFailure: a caller whose command's events were not stored hears of it at once, with
// the reason, instead of waiting for its ask timeout.

type Reply =
  | { readonly ok: true; readonly total: number }
  | { readonly ok: false; readonly name: string; readonly message: string; readonly sequenceNr: number };

type Cmd =
  | { readonly type: 'add'; readonly n: unknown; readonly replyTo: ActorRef<Reply> }
  | { readonly type: 'addTwice'; readonly n: number; readonly replyTo: ActorRef<Reply> }
  | { readonly type: 'get'; readonly replyTo: ActorRef<number> };

type Evt = { readonly type: 'Added'; readonly n: unknown };

const failed = (error: PersistFailure): Reply => ({ ok: false, name: error.name, message: error.message, sequenceNr: error.sequenceNr });

/** Adds numbers; every persist answers the caller either way. `extra` sees each failure reply once more. */
function counter(id: string, options: { onPersistFailure?: SupervisorStrategy; extra?: ActorRef<string> } = {}) {
  return eventSourced<Cmd, Evt, number>({
    persistenceId: id,
    emptyState: 0,
    commandHandler: (state, cmd) => {
      if (cmd.type === 'get') return Effect.reply(cmd.replyTo, state);
      const events: Evt[] = cmd.type === 'add' ? [{ type: 'Added', n: cmd.n }] : [{ type: 'Added', n: cmd.n }, { type: 'Added', n: cmd.n }];
      const effect = Effect.persist<Evt, number>(events)
        .thenReply(cmd.replyTo, (s) => ({ ok: true, total: s }))
        .onFailure(cmd.replyTo, failed);
      const extra = options.extra;
      return extra === undefined ? effect : effect.onFailure(extra, (error) => `also told: ${error.name}`);
    },
    eventHandler: (state, event) => state + Number(event.n),
    ...(options.onPersistFailure === undefined ? {} : { onPersistFailure: options.onPersistFailure }),
  });
}

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((k) => k.shutdown()));
  kits = [];
});

function testKit(journal: Journal, held?: () => number) {
  const kit = ActorTestKit.create({
    config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } },
    ...(held === undefined ? {} : { heldWork: held }),
  });
  kits.push(kit);
  return kit;
}

/** Asks on the test kit's manual clock: the timeout never fires unless the test advances it. */
function add(ref: ActorRef<Cmd>, n: unknown): Promise<Reply> {
  return ask(ref, (replyTo: ActorRef<Reply>) => ({ type: 'add', n, replyTo }), { timeoutMs: 60_000 });
}

const backoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 100, maxBackoffMs: 1000, randomFactor: 0 });

describe('Effect.onFailure', () => {
  it('a rejected event (the serializer refuses it) answers the ask with the EventRejected; the actor goes on', async () => {
    const kit = testKit(new MemoryJournal());
    const ref = kit.spawn(counter('rejected'));
    const reply = await add(ref, 10n);
    expect(reply).toEqual({
      ok: false,
      name: 'EventRejected',
      sequenceNr: 1,
      message: expect.stringMatching(/^event Added \(sequence nr 1\) of persistenceId "rejected" was rejected and not stored: /),
    });
    expect(await add(ref, 2)).toEqual({ ok: true, total: 2 });
  });

  it('an event the journal rejects answers with EventRejected naming its cause; the actor goes on', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const ref = kit.spawn(counter('journal-rejects'));
    expect(await add(ref, 1)).toEqual({ ok: true, total: 1 });
    journal.rejectWrite({ nth: 1 });
    const reply = await add(ref, 5);
    expect(reply).toMatchObject({ ok: false, name: 'EventRejected', sequenceNr: 2 });
    expect(reply.ok === false && reply.message).toMatch(/the 1st matching AtomicWrite, sequence nr 2, was rejected and not stored$/);
    expect(await add(ref, 3)).toEqual({ ok: true, total: 4 });
  });

  it('a rejected atomic write of several events is answered once, for its first event', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const probe = kit.createTestProbe<Reply>();
    const ref = kit.spawn(counter('atomic'));
    journal.rejectWrite({ nth: 1 });
    ref.tell({ type: 'addTwice', n: 1, replyTo: probe.ref });
    expect(await probe.receiveMessage()).toMatchObject({ ok: false, name: 'EventRejected', sequenceNr: 1 });
    await probe.expectNoMessage();
  });

  it('a failed atomic write of several events is answered once', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const probe = kit.createTestProbe<Reply>();
    const ref = kit.spawn(counter('atomic-fails'));
    journal.failWrite({ nth: 1 });
    ref.tell({ type: 'addTwice', n: 1, replyTo: probe.ref });
    expect(await probe.receiveMessage()).toMatchObject({ ok: false, name: 'JournalFailure', sequenceNr: 1 });
    await probe.expectNoMessage();
  });

  it('a failed write answers with the JournalFailure, then the actor stops', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const ref = kit.spawn(counter('fails'));
    expect(await add(ref, 1)).toEqual({ ok: true, total: 1 });
    journal.failWrite({ nth: 1 });
    const reply = await add(ref, 5);
    expect(reply).toMatchObject({ ok: false, name: 'JournalFailure', sequenceNr: 2 });
    expect(reply.ok === false && reply.message).toMatch(
      /^journal failed to persist event Added \(sequence nr 2\) of persistenceId "fails"; the actor stops: /,
    );
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('JournalFailure');
    expect(await storedPayloads(journal, 'fails')).toEqual([{ type: 'Added', n: 1 }]);
  });

  it('under restartWithBackoff: the failed command is answered at once, later commands after the restart', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const ref = kit.spawn(counter('backoff', { onPersistFailure: backoff }));
    expect(await add(ref, 1)).toEqual({ ok: true, total: 1 });
    journal.failWrite({ nth: 1 });
    const probe = kit.createTestProbe<Reply>();
    ref.tell({ type: 'add', n: 5, replyTo: probe.ref });
    // Stashed behind the failing write: never reached the handler, so it is handled after the restart.
    ref.tell({ type: 'add', n: 7, replyTo: probe.ref });
    expect(await probe.receiveMessage()).toMatchObject({ ok: false, name: 'JournalFailure', sequenceNr: 2 });
    await probe.expectNoMessage();
    await kit.advance(100);
    await probe.expectMessage({ ok: true, total: 8 });
    expect(await add(ref, 2)).toEqual({ ok: true, total: 10 });
  });

  it('stored events never run onFailure; the thenReply answers', async () => {
    const kit = testKit(new MemoryJournal());
    const extra = kit.createTestProbe<string>();
    const ref = kit.spawn(counter('stored', { extra: extra.ref }));
    expect(await add(ref, 1)).toEqual({ ok: true, total: 1 });
    expect(await add(ref, 2)).toEqual({ ok: true, total: 3 });
    await extra.expectNoMessage();
  });

  it('several onFailure on one effect all run, once each', async () => {
    const kit = testKit(new MemoryJournal());
    const extra = kit.createTestProbe<string>();
    const ref = kit.spawn(counter('several', { extra: extra.ref }));
    expect(await add(ref, 10n)).toMatchObject({ ok: false, name: 'EventRejected' });
    await extra.expectMessage('also told: EventRejected');
    await extra.expectNoMessage();
  });

  it('a failed group-commit call answers every command in it, each once', async () => {
    const journal = new FaultInjectingJournal(new RecordingJournal(new MemoryJournal()));
    const kit = testKit(journal);
    const refs = Array.from({ length: 5 }, (_, i) => kit.spawn(counter(`batch-${i}`)));
    await kit.settle();
    journal.failWrite({ nth: 1 });
    const probe = kit.createTestProbe<Reply>();
    // One turn: the five writes go to the journal in one call, which fails.
    for (const ref of refs) ref.tell({ type: 'add', n: 1, replyTo: probe.ref });
    const replies = await probe.receiveMessages(5);
    expect(replies.map((r) => r.ok === false && r.name)).toEqual(Array(5).fill('JournalFailure'));
    expect(new Set(replies.map((r) => r.ok === false && r.message.match(/persistenceId "(batch-\d)"/)?.[1])).size).toBe(5);
    await probe.expectNoMessage();
  });

  it("thenReply's third argument is the failure reply: one of the two is sent, once", async () => {
    const kit = testKit(new MemoryJournal());
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      eventSourced<{ readonly n: unknown; readonly replyTo: ActorRef<string> }, Evt, number>({
        persistenceId: 'third-argument',
        emptyState: 0,
        commandHandler: (_s, cmd) =>
          Effect.persist({ type: 'Added', n: cmd.n }).thenReply(
            cmd.replyTo,
            (s) => `total ${s}`,
            (error) => `failed: ${error.name}`,
          ),
        eventHandler: (s, e) => s + Number(e.n),
      }),
    );
    ref.tell({ n: 1n, replyTo: probe.ref });
    ref.tell({ n: 2, replyTo: probe.ref });
    expect(await probe.receiveMessages(2)).toEqual(['failed: EventRejected', 'total 2']);
    await probe.expectNoMessage();
  });

  it('with no onFailure the caller hears nothing, as before', async () => {
    const kit = testKit(new MemoryJournal());
    const probe = kit.createTestProbe<number>();
    const ref = kit.spawn(
      eventSourced<{ readonly n: unknown; readonly replyTo: ActorRef<number> }, Evt, number>({
        persistenceId: 'silent',
        emptyState: 0,
        commandHandler: (_s, cmd) => Effect.persist<Evt, number>({ type: 'Added', n: cmd.n }).thenReply(cmd.replyTo, (s) => s),
        eventHandler: (s, e) => s + Number(e.n),
      }),
    );
    ref.tell({ n: 1n, replyTo: probe.ref });
    await probe.expectNoMessage();
  });

  it('a write that hits another writer (sequence conflict) answers with a JournalFailure caused by it', async () => {
    const memory = new MemoryJournal();
    const kit = testKit(memory);
    const ref = kit.spawn(counter('conflict'));
    expect(await add(ref, 1)).toEqual({ ok: true, total: 1 });
    // Another process wrote sequence nr 2 meanwhile.
    await memory.writeMessages([{ persistenceId: 'conflict', events: [storedEvent('conflict', 2, { type: 'Added', n: 100 }, 'Added')] }]);
    const probe = kit.createTestProbe<Reply>();
    ref.tell({ type: 'add', n: 5, replyTo: probe.ref });
    const reply = await probe.receiveMessage();
    expect(reply).toMatchObject({ ok: false, name: 'JournalFailure', sequenceNr: 2 });
    expect(reply.ok === false && reply.message).toMatch(/another writer is live for this id/);
    expect((await kit.createTestProbe<never>().expectTerminated(ref)).failure?.name).toBe('JournalFailure');
  });
});

type HostCmd = { readonly type: 'stop' };

/** Parent of the actor under test, so a test can stop it while its write is in flight. */
function host(child: Behavior<Cmd>, started: (ref: ActorRef<Cmd>) => void): Behavior<HostCmd> {
  return Behaviors.setup<HostCmd>((ctx) => {
    const ref = ctx.spawn(child, 'entity');
    started(ref);
    return Behaviors.receiveMessage<HostCmd>(() => {
      ctx.stop(ref as ActorRef<never>);
    });
  });
}

describe('Effect.onFailure when the actor stops before the journal answers', () => {
  async function stoppedWhileWriting(id: string) {
    const journal = new HeldJournal(new MemoryJournal());
    const kit = testKit(journal, () => journal.open);
    let entity!: ActorRef<Cmd>;
    const parent = kit.spawn(host(counter(id), (ref) => (entity = ref)));
    await kit.settle();
    journal.holding = true;
    const probe = kit.createTestProbe<Reply>();
    entity.tell({ type: 'add', n: 5, replyTo: probe.ref });
    await kit.settle();
    expect(journal.open).toBe(1);
    parent.tell({ type: 'stop' });
    await kit.createTestProbe<never>().expectTerminated(entity as ActorRef<never>);
    return { journal, kit, probe };
  }

  it('a write in flight that then fails is answered with the JournalFailure once the journal answers', async () => {
    const { journal, probe } = await stoppedWhileWriting('late-fail');
    await probe.expectNoMessage();
    journal.held[0]!.fail(new Error('connection reset'));
    expect(await probe.receiveMessage()).toMatchObject({ ok: false, name: 'JournalFailure', sequenceNr: 1 });
    await probe.expectNoMessage();
  });

  it('a write in flight that then lands is stored: no onFailure (and no thenReply: the actor is gone)', async () => {
    const { journal, probe } = await stoppedWhileWriting('late-store');
    journal.held[0]!.release();
    await probe.expectNoMessage();
    expect(await storedPayloads(journal, 'late-store')).toEqual([{ type: 'Added', n: 5 }]);
  });
});

// Commands that never reach the command handler get no onFailure; the actor stops, and an ask
// fails at once with RecipientTerminated (whose cause is the failure), or, under
// restartWithBackoff, the command is kept and answered after the restart.
describe('commands that never reach the handler', () => {
  it('a second actor with a live persistenceId stops at once, also under restartWithBackoff: its ask fails', async () => {
    const kit = testKit(new MemoryJournal());
    const first = kit.spawn(counter('dup'), 'first');
    expect(await add(first, 1)).toEqual({ ok: true, total: 1 });
    const second = kit.spawn(counter('dup', { onPersistFailure: backoff }), 'second');
    const error = await add(second, 2).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'RecipientTerminated', cause: { name: 'DuplicatePersistenceId' } });
    expect((await kit.createTestProbe<never>().expectTerminated(second)).failure?.name).toBe('DuplicatePersistenceId');
    expect(await add(first, 2)).toEqual({ ok: true, total: 3 });
  });

  it('a command stashed behind a write that conflicts: the actor stops and its ask fails; under backoff it is answered after the restart', async () => {
    for (const supervised of [false, true]) {
      const memory = new MemoryJournal();
      const kit = testKit(memory);
      const id = `stashed-conflict-${supervised}`;
      const ref = kit.spawn(counter(id, supervised ? { onPersistFailure: backoff } : {}));
      expect(await add(ref, 1)).toEqual({ ok: true, total: 1 });
      await memory.writeMessages([{ persistenceId: id, events: [storedEvent(id, 2, { type: 'Added', n: 100 }, 'Added')] }]);
      const conflicting = add(ref, 5);
      const stashed = add(ref, 7).catch((e: unknown) => e as Error);
      expect(await conflicting).toMatchObject({ ok: false, name: 'JournalFailure' });
      if (supervised) {
        await kit.advance(100);
        expect(await stashed).toEqual({ ok: true, total: 108 });
      } else {
        expect(await stashed).toMatchObject({ name: 'RecipientTerminated', cause: { name: 'JournalFailure' } });
      }
    }
  });

  it('a command stashed during a recovery that fails: the actor stops and its ask fails; under backoff it is answered once recovery succeeds', async () => {
    for (const supervised of [false, true]) {
      const journal = new FaultInjectingJournal(new MemoryJournal());
      const kit = testKit(journal);
      journal.failHighestSequenceNr({ nth: 1 });
      const ref = kit.spawn(counter(`stashed-recovery-${supervised}`, supervised ? { onPersistFailure: backoff } : {}));
      const stashed = add(ref, 7).catch((e: unknown) => e as Error);
      if (supervised) {
        await kit.advance(100);
        expect(await stashed).toEqual({ ok: true, total: 7 });
      } else {
        expect(await stashed).toMatchObject({ name: 'RecipientTerminated', cause: { name: 'RecoveryFailed' } });
      }
    }
  });
});
