import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import { Effect } from './Effect.js';
import { eventSourced } from './eventSourced.js';
import { account, type AccountReply } from './fixtures/account.test-support.js';
import { storedEvent } from './fixtures/GatedJournal.test-support.js';
import { storedPayloads } from './fixtures/HeldJournal.test-support.js';
import { PersistentActor, persistentActor } from './PersistentActor.js';
import type { PersistenceResponse } from './responses.js';

// How supervision meets a persistent actor: storage failures always stop it (only onPersistFailure
// brings it back), and user code that throws under `resume` leaves a consistent actor behind.

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((k) => k.shutdown()));
  kits = [];
});

function testKit(journal: Journal = new MemoryJournal()) {
  const kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } }, echoLogs: !!process.env.ECHO });
  kits.push(kit);
  return kit;
}

type Cmd =
  | { readonly type: 'persist'; readonly event: string }
  | { readonly type: 'persistThenThrow'; readonly event: string }
  | { readonly type: 'handlerThrows'; readonly event: string }
  | { readonly type: 'echo'; readonly text: string };

class Resumable extends PersistentActor<Cmd, string> {
  constructor(
    readonly persistenceId: string,
    private readonly probe: ActorRef<string>,
  ) {
    super();
  }

  receiveRecover(): void {}

  receiveCommand(message: Cmd | PersistenceResponse): void {
    switch (message.type) {
      case 'persist':
        return this.persist(message.event, (event) => this.probe.tell(`stored ${event}`));
      case 'persistThenThrow':
        this.persist(message.event, (event) => this.probe.tell(`stored ${event}`));
        throw new Error('the command handler failed after persisting');
      case 'handlerThrows':
        return this.persist(message.event, () => {
          throw new Error('the persist handler failed');
        });
      case 'echo':
        return this.probe.tell(message.text);
    }
  }
}

function resumable(kit: ActorTestKit, id: string) {
  const probe = kit.createTestProbe<string>();
  const ref = kit.spawn(Behaviors.supervise(persistentActor(() => new Resumable(id, probe.ref))).onFailure(SupervisorStrategy.resume()));
  return { probe, ref };
}

describe('resume supervision of a persistent actor', () => {
  it('a command handler that persisted and then threw leaves nothing behind; the actor goes on', async () => {
    const journal = new MemoryJournal();
    const kit = testKit(journal);
    const { probe, ref } = resumable(kit, 'r1');
    ref.tell({ type: 'persistThenThrow', event: 'lost' });
    ref.tell({ type: 'persist', event: 'kept' });
    ref.tell({ type: 'echo', text: 'still here' });
    expect(await probe.receiveMessages(2)).toEqual(['stored kept', 'still here']);
    expect(await storedPayloads(journal, 'r1')).toEqual(['kept']);
  });

  it('after a persist handler threw, stashed commands are handled before newer ones, in order', async () => {
    const kit = testKit();
    const { probe, ref } = resumable(kit, 'r2');
    ref.tell({ type: 'handlerThrows', event: 'e1' });
    ref.tell({ type: 'echo', text: 'c1' }); // stashed while e1 is written
    ref.tell({ type: 'echo', text: 'c2' });
    await kit.settle();
    ref.tell({ type: 'echo', text: 'c3' });
    expect(await probe.receiveMessages(3)).toEqual(['c1', 'c2', 'c3']);
  });

  it('onPersistFailure: resume is refused when the behavior is made, with an error that names it', () => {
    const settings = {
      persistenceId: 'r3',
      emptyState: 0,
      commandHandler: () => Effect.none<never, number>(),
      eventHandler: (state: number) => state,
      onPersistFailure: SupervisorStrategy.resume(),
    };
    expect(() => eventSourced(settings)).toThrow(/onPersistFailure must be stop, restart or restartWithBackoff.*got "resume"/);
    expect(() => persistentActor(() => new Resumable('r3', undefined as never), { onPersistFailure: SupervisorStrategy.resume() })).toThrow(
      /onPersistFailure/,
    );
  });
});

describe('storage failures under an outer supervisor', () => {
  it('a recovery failure stops the actor even inside supervise(...).onFailure(restart()): no replay loop', async () => {
    const memory = new MemoryJournal();
    await memory.writeMessages([{ persistenceId: 'Account|s1', events: [storedEvent('Account|s1', 1, { type: 'Deposited', amount: 1 }, 'Deposited')] }]);
    const journal = new FaultInjectingJournal(memory);
    journal.failReplay({ times: 3 });
    const kit = testKit(journal);
    const ref = kit.spawn(Behaviors.supervise(account('s1')).onFailure(SupervisorStrategy.restart()));
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('RecoveryFailed');
    expect(kit.logs.find('recovery failed', 'error')).toHaveLength(1);
  });

  it('a journal failure stops the actor even inside an outer restart supervisor', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const ref = kit.spawn(Behaviors.supervise(account('s2')).onFailure(SupervisorStrategy.restart()));
    journal.failWrite({ nth: 1 });
    ref.tell({ type: 'deposit', amount: 1, replyTo: kit.createTestProbe<AccountReply>().ref });
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('JournalFailure');
  });

  it('other failures still reach the outer supervisor', async () => {
    const kit = testKit();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      Behaviors.supervise(persistentActor(() => new Resumable('s3', probe.ref))).onFailure(SupervisorStrategy.restart()),
    );
    ref.tell({ type: 'persistThenThrow', event: 'x' });
    ref.tell({ type: 'echo', text: 'after restart' });
    await probe.expectMessage('after restart');
    expect(kit.logs.find('failed; restarting', 'error')).toHaveLength(1);
  });
});

describe('the RecoveryCompleted handler', () => {
  it('a throw from the eventSourced signal handler fails recovery: RecoveryFailed, the actor stops', async () => {
    const kit = testKit();
    const ref = kit.spawn(
      Behaviors.supervise(
        eventSourced<string, string, number>({
          persistenceId: 'rc1',
          emptyState: 0,
          commandHandler: () => Effect.none(),
          eventHandler: (state) => state,
          signalHandler: (_state, signal) => {
            if (signal.type === 'RecoveryCompleted') throw new Error('cannot start');
          },
        }),
      ).onFailure(SupervisorStrategy.restart()),
    );
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('RecoveryFailed');
    expect(terminated.failure?.message).toMatch(/cannot start/);
  });

  it('a throw from the classic receiveRecover(RecoveryCompleted) fails recovery too', async () => {
    class FailsOnStart extends PersistentActor<string, string> {
      readonly persistenceId = 'rc2';
      receiveRecover(message: unknown): void {
        if (typeof message === 'object' && message !== null && (message as { type?: string }).type === 'RecoveryCompleted') {
          throw new Error('cannot start either');
        }
      }
      receiveCommand(): void {}
    }
    const kit = testKit();
    const ref = kit.spawn(persistentActor(() => new FailsOnStart()));
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('RecoveryFailed');
  });
});
