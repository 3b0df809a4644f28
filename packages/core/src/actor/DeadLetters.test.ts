import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { Behaviors } from './Behaviors.js';
import type { DeadLetter } from './DeadLetters.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

describe('dead letters', () => {
  it('messages to a stopped actor, and those left in its mailbox, are published', async () => {
    kit = ActorTestKit.create({ config: { logDeadLetters: 1 } });
    const seen: DeadLetter[] = [];
    const unsubscribe = kit.system.deadLetters.subscribe((d) => seen.push(d));
    const ref = kit.spawn(Behaviors.receiveMessage<string>((m) => (m === 'stop' ? Behaviors.stopped : undefined)), 'short-lived');
    ref.tell('stop');
    ref.tell('left in mailbox');
    await kit.createTestProbe<never>().expectTerminated(ref);
    ref.tell('after stop');
    expect(seen).toEqual([
      { message: 'left in mailbox', recipient: 'engram://test/user/short-lived', reason: 'recipient stopped' },
      { message: 'after stop', recipient: 'engram://test/user/short-lived', reason: 'recipient stopped' },
    ]);
    expect(kit.system.deadLetters.count).toBe(2);
    unsubscribe();
    ref.tell('unobserved');
    expect(seen).toHaveLength(2);
    // Only the first is logged (logDeadLetters: 1), with a note that logging stops.
    expect(kit.logs.find('dead letter')).toHaveLength(1);
    expect(kit.logs.find('not logging more')).toHaveLength(1);
  });

  it('a ref resolved from an unknown path delivers to dead letters', () => {
    kit = ActorTestKit.create();
    kit.system.refResolver.resolveActorRef<string>('engram://test/user/nobody').tell('hello?');
    expect(kit.deadLetters).toEqual([{ message: 'hello?', recipient: 'engram://test/user/nobody', reason: 'no such actor' }]);
  });
});
