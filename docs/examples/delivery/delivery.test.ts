import { MemoryJournal, MemorySnapshotStore, type ActorRef } from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { orders } from './orders.js';
import { ordersFunctional } from './ordersFunctional.js';
import { payments, type PaymentsCommand } from './payments.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

function start() {
  kit = ActorTestKit.create({ config: { persistence: { journal: new MemoryJournal(), snapshotStore: new MemorySnapshotStore() } } });
}

async function total(ref: ActorRef<PaymentsCommand>): Promise<number> {
  const replies = kit.createTestProbe<number>();
  ref.tell({ type: 'total', replyTo: replies.ref });
  return replies.receiveMessage();
}

const paymentsPath = 'engram://test/user/payments';

describe('the at-least-once guide (docs/delivery.md) runs as written', () => {
  for (const [name, sender] of [
    ['Orders (classic)', orders],
    ['ordersFunctional (eventSourced)', ordersFunctional],
  ] as const) {
    it(`${name}: charges placed while payments is down arrive once it is up, and are applied once`, async () => {
      start();
      const ref = kit.spawn(sender(paymentsPath), 'orders');
      ref.tell({ type: 'place', orderId: 'o-1', amount: 30 });
      ref.tell({ type: 'place', orderId: 'o-2', amount: 12 });
      await kit.settle();
      expect(kit.deadLetters.filter((d) => d.recipient === paymentsPath)).toHaveLength(2);

      const service = kit.spawn(payments(), 'payments');
      await kit.advance(2_000);
      expect(await total(service)).toBe(42);
      await kit.advance(60_000); // confirmed: nothing comes again
      expect(kit.deadLetters.filter((d) => d.recipient === paymentsPath)).toHaveLength(2);
      expect(await total(service)).toBe(42);
    });
  }

  it('payments applies a charge that arrives twice once, and confirms both copies', async () => {
    start();
    const service = kit.spawn(payments(), 'payments');
    const confirmations = kit.createTestProbe<unknown>('orders');
    const charge = { type: 'Charge', from: 'Orders', deliveryId: 1, orderId: 'o-1', amount: 30, replyTo: confirmations.ref.path } as const;
    service.tell(charge);
    service.tell(charge);
    expect(await confirmations.receiveMessages(2)).toEqual([
      { type: 'Charged', deliveryId: 1 },
      { type: 'Charged', deliveryId: 1 },
    ]);
    expect(await total(service)).toBe(30);
  });
});
