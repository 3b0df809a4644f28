import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { RetentionCriteria } from '../persistence/RetentionCriteria.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { AtLeastOnceDelivery } from './AtLeastOnceDelivery.js';
import type { Envelope } from './ClassicSender.test-support.js';
import { functionalSender, type FunctionalCommand, type FunctionalSenderOptions } from './FunctionalSender.test-support.js';
import type { UnconfirmedWarning } from './messages.js';

describe('AtLeastOnceDelivery (the value in an eventSourced state)', () => {
  const a = 'engram://s/user/a';
  const record = (state: AtLeastOnceDelivery, payload: string) =>
    AtLeastOnceDelivery.delivered(state, a, (deliveryId) => ({ deliveryId, payload }));

  it('gives out gap-free ids, forgets what is confirmed, and leaves the value unchanged for unknown ids', () => {
    const one = record(AtLeastOnceDelivery.empty, 'x');
    const two = record(one, 'y');
    expect(AtLeastOnceDelivery.nextDeliveryId(two)).toBe(3);
    expect(two).toEqual({
      currentDeliveryId: 2,
      unconfirmedDeliveries: [
        { deliveryId: 1, destination: a, message: { deliveryId: 1, payload: 'x' } },
        { deliveryId: 2, destination: a, message: { deliveryId: 2, payload: 'y' } },
      ],
    });
    const confirmed = AtLeastOnceDelivery.confirmed(two, 1);
    expect(confirmed.unconfirmedDeliveries.map((d) => d.deliveryId)).toEqual([2]);
    expect(AtLeastOnceDelivery.isUnconfirmed(confirmed, 1)).toBe(false);
    expect(AtLeastOnceDelivery.isUnconfirmed(confirmed, 2)).toBe(true);
    expect(AtLeastOnceDelivery.confirmed(confirmed, 1)).toBe(confirmed);
    expect(AtLeastOnceDelivery.numberOfUnconfirmed(two)).toBe(2);
    expect(AtLeastOnceDelivery.nextDeliveryId(confirmed)).toBe(3); // a confirmation never frees an id
    expect(two.unconfirmedDeliveries).toHaveLength(2); // values are not changed in place
  });

  it('is plain data: it survives JSON, and fromSnapshot checks what it is given', () => {
    const value = record(record(AtLeastOnceDelivery.empty, 'x'), 'y');
    expect(AtLeastOnceDelivery.fromSnapshot(JSON.parse(JSON.stringify(value)))).toEqual(value);
    expect(() => AtLeastOnceDelivery.fromSnapshot({ currentDeliveryId: -1, unconfirmedDeliveries: [] })).toThrow(
      'AtLeastOnceDelivery.fromSnapshot: currentDeliveryId must be an integer >= 0, got -1',
    );
  });

  it('refuses a message factory that builds nothing', () => {
    expect(() => AtLeastOnceDelivery.delivered(AtLeastOnceDelivery.empty, a, () => undefined)).toThrow(
      'the message built for delivery 1 must be a message (not null or undefined), got undefined',
    );
  });
});

describe('Redelivery (eventSourced)', () => {
  let kit: ActorTestKit;
  let spawned = 0;
  afterEach(() => kit?.shutdown());

  function start() {
    kit = ActorTestKit.create({ config: { persistence: { journal: new MemoryJournal(), snapshotStore: new MemorySnapshotStore() } } });
  }
  const sender = (id: string, options: FunctionalSenderOptions = {}) => kit.spawn(functionalSender(id, options), `fsender-${spawned++}`);
  const ids = (messages: readonly Envelope[]) => messages.map((m) => m.deliveryId);

  async function stop(ref: ActorRef<FunctionalCommand>) {
    ref.tell({ type: 'stop' });
    await kit.createTestProbe<never>().expectTerminated(ref);
  }

  async function get(ref: ActorRef<FunctionalCommand>): Promise<AtLeastOnceDelivery> {
    const replies = kit.createTestProbe<AtLeastOnceDelivery>();
    ref.tell({ type: 'get', replyTo: replies.ref });
    return replies.receiveMessage();
  }

  it('sends each delivery once it is stored, redelivers after the interval, and stops when confirmed', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('basic', { redeliverIntervalMs: 1000 });
    ref.tell({ type: 'send', payload: 'a', to: probe.ref.path });
    ref.tell({ type: 'send', payload: 'b', to: probe.ref.path });
    expect(await probe.receiveMessages(2)).toEqual([
      { deliveryId: 1, payload: 'a' },
      { deliveryId: 2, payload: 'b' },
    ]);
    await kit.advance(999);
    await probe.expectNoMessage();
    await kit.advance(1);
    expect(ids(await probe.receiveMessages(2))).toEqual([1, 2]);
    ref.tell({ type: 'confirm', deliveryId: 1 });
    await kit.advance(1000);
    expect(ids(await probe.receiveMessages(1))).toEqual([2]);
    ref.tell({ type: 'confirm', deliveryId: 2 });
    await kit.advance(10_000);
    await probe.expectNoMessage();
    expect((await get(ref)).unconfirmedDeliveries).toEqual([]);
  });

  it('applies redeliveryBurstLimit per check, going on from where the last check stopped', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const ref = sender('burst', { redeliverIntervalMs: 1000, redeliveryBurstLimit: 2 });
    for (const payload of ['1', '2', '3']) ref.tell({ type: 'send', payload, to: probe.ref.path });
    expect(ids(await probe.receiveMessages(3))).toEqual([1, 2, 3]);
    await kit.advance(1000);
    expect(ids(await probe.receiveMessages(2))).toEqual([1, 2]);
    await probe.expectNoMessage();
    await kit.advance(500);
    expect(ids(await probe.receiveMessages(1))).toEqual([3]);
    await probe.expectNoMessage();
  });

  it('sends the actor an UnconfirmedWarning after warnAfterNumberOfUnconfirmedAttempts attempts', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const warnings: UnconfirmedWarning[] = [];
    const ref = sender('warn', { redeliverIntervalMs: 1000, warnAfterNumberOfUnconfirmedAttempts: 2, warnings: (w) => warnings.push(w) });
    ref.tell({ type: 'send', payload: 'a', to: probe.ref.path });
    await kit.advance(1000);
    expect(warnings).toEqual([]);
    await kit.advance(1000);
    expect(warnings.map((w) => w.unconfirmedDeliveries.map((d) => d.deliveryId))).toEqual([[1]]);
    await kit.advance(3000);
    expect(warnings).toHaveLength(1);
  });

  it('ensureCapacity throws MaxUnconfirmedMessagesExceeded at maxUnconfirmedMessages', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const replies = kit.createTestProbe<string>();
    const ref = sender('max', { maxUnconfirmedMessages: 1 });
    ref.tell({ type: 'send', payload: 'a', to: probe.ref.path, replyTo: replies.ref });
    ref.tell({ type: 'send', payload: 'b', to: probe.ref.path, replyTo: replies.ref });
    await replies.expectMessage('MaxUnconfirmedMessagesExceeded');
    ref.tell({ type: 'confirm', deliveryId: 1 });
    ref.tell({ type: 'send', payload: 'c', to: probe.ref.path, replyTo: replies.ref });
    expect(await probe.receiveMessages(2)).toEqual([
      { deliveryId: 1, payload: 'a' },
      { deliveryId: 2, payload: 'c' },
    ]);
  });

  it('after a restart sends what is unconfirmed, in id order, before newer deliveries', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    const first = sender('restart');
    for (const payload of ['a', 'b', 'c']) first.tell({ type: 'send', payload, to: probe.ref.path });
    first.tell({ type: 'confirm', deliveryId: 2 });
    expect(ids(await probe.receiveMessages(3))).toEqual([1, 2, 3]);
    await stop(first);
    const second = sender('restart');
    second.tell({ type: 'send', payload: 'd', to: probe.ref.path });
    expect(ids(await probe.receiveMessages(3))).toEqual([1, 3, 4]);
    await probe.expectNoMessage();
  });

  it('recovers the deliveries from a state snapshot (retention) plus later events', async () => {
    start();
    const probe = kit.createTestProbe<Envelope>('dest');
    // The events the snapshots cover are deleted: only the snapshot can bring deliveries 1 and 2 back.
    const retention = RetentionCriteria.snapshotEvery(2, 1).withDeleteEventsOnSnapshot();
    const first = sender('snap', { retention });
    for (const payload of ['a', 'b', 'c']) first.tell({ type: 'send', payload, to: probe.ref.path });
    first.tell({ type: 'confirm', deliveryId: 1 });
    first.tell({ type: 'send', payload: 'e', to: probe.ref.path });
    expect(ids(await probe.receiveMessages(4))).toEqual([1, 2, 3, 4]);
    await stop(first);
    const second = sender('snap', { retention });
    expect(ids(await probe.receiveMessages(3))).toEqual([2, 3, 4]);
    expect((await get(second)).currentDeliveryId).toBe(4);
  });

  it('a bad setting is an InvalidArgument naming it', async () => {
    start();
    const ref = sender('bad', { redeliveryBurstLimit: 0.5 });
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.message).toBe('redeliveryBurstLimit must be an integer >= 1, got 0.5');
  });
});
