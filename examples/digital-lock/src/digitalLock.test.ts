import { Behaviors, MemoryJournal, MemorySnapshotStore, type ActorRef } from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { digitalLock, type LockCommand, type LockReport, type LockStatus, type UnlockReply } from './digitalLock.js';

// The seed's digital lock on the manual clock: the scenario of the field report, a restart in the
// middle of a combination, and the auto-lock timeout across a restart.

let kit: ActorTestKit;
let journal: MemoryJournal;
afterEach(() => kit?.shutdown());

function start() {
  journal = new MemoryJournal();
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
}

const stoppers = new Map<ActorRef<LockCommand>, ActorRef<'stop'>>();

/** The lock as the child of a parent that stops it on `stop` (a restart then spawns a new one). */
async function spawnLock(report?: ActorRef<LockReport>): Promise<ActorRef<LockCommand>> {
  const spawned = kit.createTestProbe<ActorRef<LockCommand>>();
  const parent = kit.spawn(
    Behaviors.setup<'stop'>((ctx) => {
      const child = ctx.spawn(digitalLock('door', { secret: [1, 2, 3], autoLockMs: 60_000, ...(report === undefined ? {} : { report }) }), 'lock');
      spawned.ref.tell(child);
      return Behaviors.receiveMessage(() => {
        ctx.stop(child as ActorRef<never>);
      });
    }),
  );
  const lock = await spawned.receiveMessage();
  stoppers.set(lock, parent);
  return lock;
}

async function tryUnlock(lock: ActorRef<LockCommand>): Promise<UnlockReply> {
  const probe = kit.createTestProbe<UnlockReply>();
  lock.tell({ type: 'TryUnlock', replyTo: probe.ref });
  return probe.receiveMessage();
}

async function status(lock: ActorRef<LockCommand>): Promise<LockStatus> {
  const probe = kit.createTestProbe<LockStatus>();
  lock.tell({ type: 'GetStatus', replyTo: probe.ref });
  return probe.receiveMessage();
}

function enter(lock: ActorRef<LockCommand>, digits: readonly number[]) {
  for (const digit of digits) lock.tell({ type: 'EnterDigit', digit });
}

describe('the digital lock', () => {
  it('locks, refuses a wrong combination as an intrusion, and opens with the secret one', async () => {
    start();
    const reports = kit.createTestProbe<LockReport>();
    const lock = await spawnLock(reports.ref);
    expect(await status(lock)).toEqual({ state: 'Unlocked', digitsEntered: 0 });
    lock.tell({ type: 'Lock' });
    expect(await reports.receiveMessage()).toBe('the lock is secure');
    enter(lock, [9, 9]);
    expect(await tryUnlock(lock)).toBe('wrong combination');
    expect(await reports.receiveMessage()).toBe('intrusion detected');
    expect(await status(lock)).toEqual({ state: 'Locked', digitsEntered: 0 });
    enter(lock, [1, 2, 3]);
    expect(await tryUnlock(lock)).toBe('welcome to the realm');
    expect(await reports.receiveMessage()).toBe('the lock opened');
    expect(await status(lock)).toEqual({ state: 'Unlocked', digitsEntered: 0 });
    expect(await tryUnlock(lock)).toBe('already unlocked');
  });

  it('stores the digits and the audit trail as events, never the commands', async () => {
    start();
    const lock = await spawnLock();
    lock.tell({ type: 'Lock' });
    enter(lock, [4, 2]);
    await tryUnlock(lock);
    const stored: string[] = [];
    await journal.replayMessages('DigitalLock|door', 1, Infinity, Infinity, (repr) => stored.push(repr.manifest));
    expect(stored).toEqual(['engram.fsm.Transition', 'DigitEntered', 'DigitEntered', 'ComboCleared', 'IntrusionDetected']);
  });

  it('keeps the digits entered before a restart in the middle of a combination', async () => {
    start();
    const first = await spawnLock();
    first.tell({ type: 'Lock' });
    enter(first, [1, 2]);
    expect(await status(first)).toEqual({ state: 'Locked', digitsEntered: 2 });
    await stopLock(first);

    const second = await spawnLock();
    expect(await status(second)).toEqual({ state: 'Locked', digitsEntered: 2 });
    enter(second, [3]);
    expect(await tryUnlock(second)).toBe('welcome to the realm');
  });

  it('ignores what is not a digit', async () => {
    start();
    const lock = await spawnLock();
    lock.tell({ type: 'Lock' });
    enter(lock, [1, 12, -1, 2.5, 2, 3]);
    expect(await status(lock)).toEqual({ state: 'Locked', digitsEntered: 3 });
    expect(kit.logs.find('not a digit', 'warn')).toHaveLength(3);
  });

  it('locks itself after the auto-lock delay, counted from the unlock even across a restart', async () => {
    start();
    const reports = kit.createTestProbe<LockReport>();
    const first = await spawnLock(reports.ref);
    first.tell({ type: 'Lock' });
    enter(first, [1, 2, 3]);
    expect(await tryUnlock(first)).toBe('welcome to the realm');
    await kit.advance(40_000);
    await stopLock(first);
    await kit.advance(10_000);

    const second = await spawnLock(reports.ref);
    expect(await status(second)).toEqual({ state: 'Unlocked', digitsEntered: 0 });
    await kit.advance(9_999);
    expect((await status(second)).state).toBe('Unlocked');
    await kit.advance(1);
    expect(await reports.receiveMessages(3)).toEqual(['the lock is secure', 'the lock opened', 'locked again after the auto-lock delay']);
    expect((await status(second)).state).toBe('Locked');
  });
});

/** Stops the lock from outside, as the process ending would: nothing is written on the way out. */
async function stopLock(lock: ActorRef<LockCommand>) {
  const stopper = stoppers.get(lock);
  if (stopper === undefined) throw new Error('the lock was not spawned by spawnLock');
  stopper.tell('stop');
  await kit.createTestProbe().expectTerminated(lock as ActorRef<never>);
}
