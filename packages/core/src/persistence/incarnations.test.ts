import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { account } from './fixtures/account.test-support.js';
import { GatedJournal, storedEvent } from './fixtures/GatedJournal.test-support.js';
import { HeldJournal, storedPayloads } from './fixtures/HeldJournal.test-support.js';
import { PersistentActor, persistentActor } from './PersistentActor.js';
import type { PersistenceResponse } from './responses.js';

// One incarnation of a persistent actor must never be disturbed by another: a failed writer's
// queued writes are never sent, a restart recovers only once the previous writes landed, and a
// late reply addressed to an earlier incarnation is dropped.

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((k) => k.shutdown()));
  kits = [];
});

/** `held`: store calls the test holds on purpose (with the writes queued behind them), so settle() does not wait for them. */
function testKit(journal: Journal, snapshotStore = new MemorySnapshotStore(), held: () => number = () => 0) {
  const kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore } }, heldWork: held });
  kits.push(kit);
  return kit;
}

type Cmd =
  | { readonly type: 'async'; readonly event: string }
  | { readonly type: 'throw' }
  | { readonly type: 'snapshot' }
  | { readonly type: 'get'; readonly replyTo: ActorRef<string> };

/** persistAsync on command; reports every store response and its recovered events to `probe`. */
class Writer extends PersistentActor<Cmd, string> {
  private readonly events: string[] = [];

  constructor(
    readonly persistenceId: string,
    private readonly probe: ActorRef<string>,
  ) {
    super();
  }

  receiveRecover(message: unknown): void {
    if (typeof message === 'string') this.events.push(message);
  }

  receiveCommand(message: Cmd | PersistenceResponse): void {
    switch (message.type) {
      case 'async':
        return this.persistAsync(message.event, (event) => this.events.push(event));
      case 'throw':
        throw new Error('the command handler failed');
      case 'snapshot':
        return this.saveSnapshot(this.events);
      case 'get':
        return message.replyTo.tell(`${this.lastSequenceNr}: ${this.events.join(',')}`);
      default:
        this.probe.tell(message.type);
    }
  }
}

describe('a failed write', () => {
  it('fails the writes queued behind it, which never reach the journal', async () => {
    const memory = new MemoryJournal();
    const journal = new HeldJournal(memory);
    const kit = testKit(journal, undefined, () => (journal.open > 0 ? 2 : 0));
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(persistentActor(() => new Writer('w1', probe.ref)));
    journal.holding = true;
    ref.tell({ type: 'async', event: 'e1' });
    await kit.settle();
    // e2 and e3 wait behind e1's call, which is in flight.
    ref.tell({ type: 'async', event: 'e2' });
    ref.tell({ type: 'async', event: 'e3' });
    await kit.settle();
    expect(journal.held).toHaveLength(1);
    journal.holding = false;
    journal.held[0]!.fail(new Error('disk full'));
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('JournalFailure');
    await kit.settle();
    expect(journal.sent).toEqual([]);
    expect(await storedPayloads(memory, 'w1')).toEqual([]);
  });
});

describe('a restarted incarnation', () => {
  it('recovers only after the previous incarnation’s writes in flight have landed', async () => {
    const memory = new MemoryJournal();
    const journal = new HeldJournal(memory);
    const kit = testKit(journal, undefined, () => (journal.open > 0 ? 2 : 0));
    const probe = kit.createTestProbe<string>();
    const behavior = Behaviors.supervise(persistentActor(() => new Writer('w2', probe.ref))).onFailure(SupervisorStrategy.restart());
    const ref = kit.spawn(behavior);
    journal.holding = true;
    ref.tell({ type: 'async', event: 'e1' });
    await kit.settle();
    ref.tell({ type: 'throw' }); // restarts while e1's call is in flight
    const reply = kit.createTestProbe<string>();
    ref.tell({ type: 'get', replyTo: reply.ref });
    await reply.expectNoMessage();
    journal.holding = false;
    journal.held[0]!.release();
    await reply.expectMessage('1: e1');
    ref.tell({ type: 'async', event: 'e2' });
    await kit.settle();
    ref.tell({ type: 'get', replyTo: reply.ref });
    await reply.expectMessage('2: e1,e2');
    expect(await storedPayloads(memory, 'w2')).toEqual(['e1', 'e2']);
  });
});

describe('late messages of an earlier incarnation', () => {
  it('a failure of a timed-out recovery does not fail the next, healthy recovery', async () => {
    const memory = new MemoryJournal();
    await memory.writeMessages([{ persistenceId: 'Account|late', events: [storedEvent('Account|late', 1, { type: 'Deposited', amount: 5 }, 'Deposited')] }]);
    const journal = new GatedJournal(memory);
    const kit = ActorTestKit.create({
      config: { persistence: { journal, snapshotStore: new MemorySnapshotStore(), recoveryTimeoutMs: 1000 } },
      heldWork: () => journal.waiting,
    });
    kits.push(kit);
    const backoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 100, maxBackoffMs: 100, randomFactor: 0 });
    const ref = kit.spawn(account('late', { onPersistFailure: backoff }));
    const balance = kit.createTestProbe<number>();
    ref.tell({ type: 'balance', replyTo: balance.ref });
    await kit.settle();
    expect(journal.waiting).toBe(1);
    await kit.advance(3000); // the first recovery times out (no progress for a whole tick); the restart's replay waits too
    expect(kit.logs.find('recovery failed', 'error').map((e) => (e.fields['err'] as Error).name)).toEqual(['RecoveryTimedOut']);
    expect(journal.waiting).toBe(2);
    journal.openNext(); // the first incarnation's replay now ends (with a failure, as its actor is gone)
    await kit.settle();
    journal.openNext();
    await balance.expectMessage(5);
    expect(kit.logs.find('recovery failed', 'error')).toHaveLength(1);
  });

  it('a snapshot response of the previous incarnation does not reach the next one', async () => {
    const memory = new MemoryJournal();
    const held: (() => void)[] = [];
    const snapshots = new MemorySnapshotStore();
    const save = snapshots.save.bind(snapshots);
    snapshots.save = (metadata, snapshot) => new Promise((resolve) => held.push(() => resolve(save(metadata, snapshot))));
    let open = 1;
    const kit = testKit(memory, snapshots, () => (held.length > 0 ? open : 0));
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(Behaviors.supervise(persistentActor(() => new Writer('w4', probe.ref))).onFailure(SupervisorStrategy.restart()));
    ref.tell({ type: 'async', event: 'e1' });
    ref.tell({ type: 'snapshot' });
    await kit.settle();
    expect(held).toHaveLength(1);
    ref.tell({ type: 'throw' });
    const reply = kit.createTestProbe<string>();
    ref.tell({ type: 'get', replyTo: reply.ref });
    await reply.expectMessage('1: e1');
    held[0]!();
    open = 0;
    await kit.settle();
    await probe.expectNoMessage();
  });
});
