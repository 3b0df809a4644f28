import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { persistentActor } from '../persistence/PersistentActor.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { TestProbe } from '../testkit/TestProbe.js';
import { ClassicSender, type Envelope, type SenderCommand, type SenderOptions, type Status } from './ClassicSender.test-support.js';
import { defaultDeliverySettings } from './AtLeastOnceDeliverySettings.js';
import type { UnconfirmedWarning } from './messages.js';

// The intent of Akka's AtLeastOnceDeliverySpec, on the manual clock: ids, redelivery, recovery,
// snapshots, warnings, the burst limit and the unconfirmed limit.

let kit: ActorTestKit;
let journal: MemoryJournal;
let spawned = 0;
afterEach(() => kit?.shutdown());

function start() {
  journal = new MemoryJournal();
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
}

function sender(id: string, options: SenderOptions = {}): ActorRef<SenderCommand> {
  return kit.spawn(persistentActor(() => new ClassicSender(id, options)), `sender-${spawned++}`);
}

/** A destination that can be stopped and recreated at the same path; hands what it gets to `probe`. */
function relay(probe: TestProbe<Envelope>, name: string): ActorRef<Envelope | 'stop'> {
  return kit.spawn(
    Behaviors.receiveMessage<Envelope | 'stop'>((message) => {
      if (message === 'stop') return Behaviors.stopped;
      probe.ref.tell(message);
    }),
    name,
  );
}

async function status(ref: ActorRef<SenderCommand>): Promise<Status> {
  const replies = kit.createTestProbe<Status>();
  ref.tell({ type: 'status', replyTo: replies.ref });
  return replies.receiveMessage();
}

async function ask(ref: ActorRef<SenderCommand>, command: (replyTo: ActorRef<string>) => SenderCommand): Promise<string> {
  const replies = kit.createTestProbe<string>();
  ref.tell(command(replies.ref));
  return replies.receiveMessage();
}

async function stop(ref: ActorRef<SenderCommand>) {
  ref.tell({ type: 'stop' });
  await kit.createTestProbe<never>().expectTerminated(ref);
}

const ids = (messages: readonly Envelope[]) => messages.map((m) => m.deliveryId);

describe('AtLeastOnceDeliveryActor', () => {
  it('delivers at once with ids 1, 2, 3 (gap-free across destinations); confirmDelivery is true only the first time', async () => {
    start();
    const a = kit.createTestProbe<Envelope>('a');
    const b = kit.createTestProbe<Envelope>('b');
    const ref = sender('ids');
    ref.tell({ type: 'send', payload: 'x', to: a.ref });
    ref.tell({ type: 'send', payload: 'y', to: b.ref });
    ref.tell({ type: 'send', payload: 'z', to: a.ref });
    expect(await a.receiveMessages(2)).toEqual([
      { deliveryId: 1, payload: 'x' },
      { deliveryId: 3, payload: 'z' },
    ]);
    await b.expectMessage({ deliveryId: 2, payload: 'y' });
    expect((await status(ref)).unconfirmed).toBe(3);

    ref.tell({ type: 'confirm', deliveryId: 2 });
    ref.tell({ type: 'confirm', deliveryId: 2 });
    ref.tell({ type: 'confirm', deliveryId: 99 });
    const after = await status(ref);
    expect(after.confirmResults).toEqual([true, false, false]);
    expect(after.unconfirmed).toBe(2);
    expect(after.snapshot).toEqual({
      currentDeliveryId: 3,
      unconfirmedDeliveries: [
        { deliveryId: 1, destination: a.ref.path, message: { deliveryId: 1, payload: 'x' } },
        { deliveryId: 3, destination: a.ref.path, message: { deliveryId: 3, payload: 'z' } },
      ],
    });
  });

  it('redelivers an unconfirmed delivery after redeliverIntervalMs, and stops once it is confirmed', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('redeliver', { redeliverIntervalMs: 1000 });
    ref.tell({ type: 'send', payload: 'x', to: probe.ref });
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });

    await kit.advance(999);
    await probe.expectNoMessage();
    await kit.advance(1);
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });
    await kit.advance(999);
    await probe.expectNoMessage();
    await kit.advance(1);
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });

    ref.tell({ type: 'confirm', deliveryId: 1 });
    await kit.settle();
    await kit.advance(10_000);
    await probe.expectNoMessage();
  });

  it('by default redelivers after 5 s (Akka.NET defaults: 5 s, burst 10,000, warn after 5, at most 100,000)', async () => {
    expect(defaultDeliverySettings).toEqual({
      redeliverIntervalMs: 5000,
      redeliveryBurstLimit: 10_000,
      warnAfterNumberOfUnconfirmedAttempts: 5,
      maxUnconfirmedMessages: 100_000,
    });
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('defaults');
    ref.tell({ type: 'send', payload: 'x', to: probe.ref });
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });
    await kit.advance(4999);
    await probe.expectNoMessage();
    await kit.advance(1);
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });
  });

  it('a confirmed delivery is not resent while others still are', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('partial', { redeliverIntervalMs: 1000 });
    for (const payload of ['a', 'b', 'c']) ref.tell({ type: 'send', payload, to: probe.ref });
    expect(ids(await probe.receiveMessages(3))).toEqual([1, 2, 3]);
    ref.tell({ type: 'confirm', deliveryId: 2 });
    await kit.advance(1000);
    expect(ids(await probe.receiveMessages(2))).toEqual([1, 3]);
    await probe.expectNoMessage();
  });

  it('redeliveryBurstLimit caps each check; the next checks go on from where it stopped, so no delivery starves', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('burst', { redeliverIntervalMs: 1000, redeliveryBurstLimit: 2 });
    for (const payload of ['1', '2', '3', '4', '5']) ref.tell({ type: 'send', payload, to: probe.ref });
    expect(ids(await probe.receiveMessages(5))).toEqual([1, 2, 3, 4, 5]);

    await kit.advance(1000); // every delivery is due; the first check sends the oldest two
    expect(ids(await probe.receiveMessages(2))).toEqual([1, 2]);
    await probe.expectNoMessage();
    await kit.advance(500); // the next check, half an interval later
    expect(ids(await probe.receiveMessages(2))).toEqual([3, 4]);
    await probe.expectNoMessage();
    await kit.advance(500); // 5 was due all along; 1 and 2 are due again
    expect(ids(await probe.receiveMessages(2))).toEqual([5, 1]);
    await probe.expectNoMessage();
  });

  it('sends the actor an UnconfirmedWarning after warnAfterNumberOfUnconfirmedAttempts attempts, once, and logs it', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const warnings: UnconfirmedWarning[] = [];
    const ref = sender('warn', { redeliverIntervalMs: 1000, warnAfterNumberOfUnconfirmedAttempts: 3, warnings: (w) => warnings.push(w) });
    ref.tell({ type: 'send', payload: 'a', to: probe.ref });
    ref.tell({ type: 'send', payload: 'b', to: probe.ref });
    ref.tell({ type: 'confirm', deliveryId: 2 });
    await kit.settle();

    await kit.advance(2000); // attempts 2 and 3
    expect(warnings).toEqual([]);
    await kit.advance(1000); // the 4th attempt: 3 went unconfirmed
    expect(warnings).toEqual([
      {
        type: 'UnconfirmedWarning',
        unconfirmedDeliveries: [{ deliveryId: 1, destination: probe.ref.path, message: { deliveryId: 1, payload: 'a' } }],
      },
    ]);
    expect(kit.logs.entries.some((e) => e.level === 'warn' && /unconfirmed after 3 attempts/.test(e.message))).toBe(true);
    await kit.advance(5000);
    expect(warnings).toHaveLength(1);
    expect(ids(probe.messages).filter((id) => id === 1)).toHaveLength(9); // still redelivered
  });

  it('deliver throws MaxUnconfirmedMessagesExceeded at maxUnconfirmedMessages, records nothing, and takes no id', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('max', { maxUnconfirmedMessages: 2 });
    const deliverNow = (payload: string) => ask(ref, (replyTo) => ({ type: 'deliverNow', payload, to: probe.ref.path, replyTo }));
    expect(await deliverNow('a')).toBe('delivered');
    expect(await deliverNow('b')).toBe('delivered');
    expect(await deliverNow('c')).toBe(
      `MaxUnconfirmedMessagesExceeded: "Sender|max" cannot deliver to ${probe.ref.path}: 2 deliveries are unconfirmed, the most maxUnconfirmedMessages allows`,
    );
    expect((await status(ref)).unconfirmed).toBe(2);
    ref.tell({ type: 'confirm', deliveryId: 1 });
    expect(await deliverNow('d')).toBe('delivered');
    expect(await probe.receiveMessages(3)).toEqual([
      { deliveryId: 1, payload: 'a' },
      { deliveryId: 2, payload: 'b' },
      { deliveryId: 3, payload: 'd' },
    ]);
  });

  it('after a restart, sends the unconfirmed deliveries once recovery completes, in id order, before newer ones; ids go on', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const first = sender('restart', { redeliverIntervalMs: 1000 });
    for (const payload of ['a', 'b', 'c', 'd']) first.tell({ type: 'send', payload, to: probe.ref });
    first.tell({ type: 'confirm', deliveryId: 2 });
    expect(ids(await probe.receiveMessages(4))).toEqual([1, 2, 3, 4]);
    await stop(first);
    await kit.advance(5000);
    await probe.expectNoMessage(); // a stopped sender sends nothing

    const second = sender('restart', { redeliverIntervalMs: 1000, deliverOnRecoveryCompleted: probe.ref.path });
    second.tell({ type: 'send', payload: 'e', to: probe.ref });
    expect(await probe.receiveMessages(5)).toEqual([
      { deliveryId: 1, payload: 'a' },
      { deliveryId: 3, payload: 'c' },
      { deliveryId: 4, payload: 'd' },
      { deliveryId: 5, payload: 'after recovery' },
      { deliveryId: 6, payload: 'e' },
    ]);
    await probe.expectNoMessage(); // nothing was sent during the replay of the events
    expect((await status(second)).unconfirmed).toBe(5);
  });

  it('restores the deliveries from a snapshot (getDeliverySnapshot / setDeliverySnapshot) plus the events after it', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const first = sender('snap');
    for (const payload of ['a', 'b', 'c']) first.tell({ type: 'send', payload, to: probe.ref });
    first.tell({ type: 'confirm', deliveryId: 1 });
    first.tell({ type: 'snapshot' });
    first.tell({ type: 'send', payload: 'd', to: probe.ref });
    expect(ids(await probe.receiveMessages(4))).toEqual([1, 2, 3, 4]);
    await stop(first);

    const second = sender('snap');
    expect(ids(await probe.receiveMessages(3))).toEqual([2, 3, 4]);
    const restored = await status(second);
    expect(restored.snapshot.currentDeliveryId).toBe(4);
    expect(restored.confirmResults).toEqual([]); // the confirmation came from the snapshot, not replayed
  });

  it('a destination that does not exist is retried, shows as dead letters and a warning, and gets the delivery once it exists', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const warnings: UnconfirmedWarning[] = [];
    const ref = sender('missing', { redeliverIntervalMs: 1000, warnAfterNumberOfUnconfirmedAttempts: 2, warnings: (w) => warnings.push(w) });
    const path = `${probe.ref.path.slice(0, probe.ref.path.lastIndexOf('/'))}/later`;
    ref.tell({ type: 'send', payload: 'x', to: path });
    await kit.advance(2000);
    expect(kit.deadLetters.filter((d) => d.recipient === path && d.reason === 'no such actor')).toHaveLength(3);
    expect(warnings.map((w) => w.unconfirmedDeliveries.map((d) => d.destination))).toEqual([[path]]);
    expect((await status(ref)).unconfirmed).toBe(1);

    relay(probe, 'later');
    await kit.advance(1000);
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });
  });

  it('a destination stopped and recreated at the same path gets the redeliveries (refs are kept as paths)', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('probe');
    const first = relay(probe, 'worker');
    const ref = sender('recreated', { redeliverIntervalMs: 1000 });
    ref.tell({ type: 'send', payload: 'x', to: first });
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });
    first.tell('stop');
    await kit.createTestProbe<never>().expectTerminated(first);
    relay(probe, 'worker');
    await kit.advance(1000);
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });
  });

  it('stops redelivering when the actor stops', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('stopping', { redeliverIntervalMs: 1000 });
    ref.tell({ type: 'send', payload: 'x', to: probe.ref });
    await probe.expectMessage({ deliveryId: 1, payload: 'x' });
    await stop(ref);
    await kit.advance(10_000);
    await probe.expectNoMessage();
    expect(kit.deadLetters).toEqual([]);
  });

  it('a bad setting fails the actor when it starts, naming the setting', async () => {
    start();
    const ref = sender('bad', { redeliverIntervalMs: 0 });
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.message).toBe('recovery of persistenceId "Sender|bad" failed: redeliverIntervalMs must be a number >= 1, got 0');
  });

  it('setDeliverySnapshot rejects a malformed snapshot with InvalidArgument and keeps the deliveries it had', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('malformed');
    ref.tell({ type: 'send', payload: 'x', to: probe.ref });
    const restore = (snapshot: unknown) => ask(ref, (replyTo) => ({ type: 'restore', snapshot, replyTo }));
    expect(await restore({ currentDeliveryId: 1 })).toBe(
      'InvalidArgument: setDeliverySnapshot: unconfirmedDeliveries must be an array, got undefined',
    );
    expect(await restore({ currentDeliveryId: 1, unconfirmedDeliveries: [{ deliveryId: 2, destination: 'x', message: 1 }] })).toBe(
      'InvalidArgument: setDeliverySnapshot: deliveryId must be a distinct integer from 1 to currentDeliveryId (1), got 2',
    );
    expect((await status(ref)).unconfirmed).toBe(1);
  });

  it('deliver refuses a destination that is not a ref or a path', async () => {
    start();
    const ref = sender('dest');
    expect(await ask(ref, (replyTo) => ({ type: 'deliverNow', payload: 'x', to: '', replyTo }))).toBe(
      'InvalidArgument: deliver destination must be an ActorRef or a non-empty actor path, got ""',
    );
  });
});
