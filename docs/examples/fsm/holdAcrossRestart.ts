import { Behaviors, MemoryJournal, MemorySnapshotStore, type ActorRef } from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { seat, type SeatCommand } from './seat.js';

/**
 * Holds a seat, stops the actor 5 minutes in (as a crash would: nothing written on the way out),
 * starts a new one 3 minutes later, and lets the manual clock run: the reminder and the expiry
 * come when they were due, 8 and 10 minutes after the hold.
 */
export async function holdAcrossRestart(): Promise<string[]> {
  const journal = new MemoryJournal();
  const kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
  const start = kit.clock.now();
  const transcript: string[] = [];
  const minute = () => `${(kit.clock.now() - start) / 60_000} min`;
  const notify = kit.spawn(Behaviors.receiveMessage<string>((text) => void transcript.push(`${minute()}: ${text}`)));
  const replies = kit.createTestProbe<string>();

  // A parent that stops its seat on 'stop', so the test can end one incarnation and start another.
  const spawnSeat = async () => {
    const spawned = kit.createTestProbe<ActorRef<SeatCommand>>();
    const parent = kit.spawn(
      Behaviors.setup<'stop'>((ctx) => {
        const child = ctx.spawn(seat('A12', notify), 'seat');
        spawned.ref.tell(child);
        return Behaviors.receiveMessage(() => ctx.stop(child));
      }),
    );
    return { ref: await spawned.receiveMessage(), stop: () => parent.tell('stop') };
  };

  try {
    const first = await spawnSeat();
    first.ref.tell({ type: 'hold', customer: 'ada', replyTo: replies.ref });
    transcript.push(`${minute()}: ${await replies.receiveMessage()}`);
    await kit.advance(5 * 60_000);
    first.stop();
    await kit.createTestProbe().expectTerminated(first.ref);
    await kit.advance(3 * 60_000); // nothing runs while the seat is down

    const second = await spawnSeat();
    second.ref.tell({ type: 'status', replyTo: replies.ref });
    transcript.push(`${minute()}: recovered ${await replies.receiveMessage()}`);
    await kit.advance(5 * 60_000);
    second.ref.tell({ type: 'status', replyTo: replies.ref });
    transcript.push(`${minute()}: ${await replies.receiveMessage()}`);
    return transcript;
  } finally {
    await kit.shutdown();
  }
}
