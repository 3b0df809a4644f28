import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import type { EventRejected, JournalFailure } from './errors.js';
import { PersistentActor, persistentActor } from './PersistentActor.js';
import type { PersistenceResponse, RecoveryCompleted, SnapshotOffer } from './responses.js';

type Cmd =
  | { readonly type: 'add'; readonly value: string }
  | { readonly type: 'addAll'; readonly values: readonly string[] }
  | { readonly type: 'addAsync'; readonly value: string }
  | { readonly type: 'addThenDefer'; readonly value: string }
  | { readonly type: 'asyncThenDeferAsync'; readonly value: string }
  | { readonly type: 'snapshot' }
  | { readonly type: 'delete'; readonly to: number }
  | { readonly type: 'deleteSnapshots' }
  | { readonly type: 'get'; readonly replyTo: ActorRef<string> }
  | { readonly type: 'bad' }
  | { readonly type: 'stash' }
  | { readonly type: 'unstash' }
  | { readonly type: 'stop' };

/** Records everything it sees in `log`, keeps a list of values as state. */
class ListActor extends PersistentActor<Cmd, string | bigint> {
  readonly persistenceId: string;
  values: string[] = [];

  constructor(
    id: string,
    readonly log$: string[],
  ) {
    super();
    this.persistenceId = `List|${id}`;
  }

  receiveRecover(message: string | bigint | SnapshotOffer | RecoveryCompleted): void {
    if (typeof message === 'string') {
      this.values.push(message);
      this.log$.push(`recover ${message} (seq ${this.lastSequenceNr}, recovering ${this.isRecovering})`);
    } else if (typeof message === 'object' && message.type === 'SnapshotOffer') {
      this.values = [...(message.snapshot as string[])];
      this.log$.push(`offer ${message.metadata.sequenceNr}`);
    } else if (typeof message === 'object' && message.type === 'RecoveryCompleted') {
      this.log$.push(`recovered [${this.values.join(',')}] last ${this.lastSequenceNr} snapshot ${this.snapshotSequenceNr}`);
    }
  }

  receiveCommand(message: Cmd | PersistenceResponse): void {
    const log = this.log$;
    switch (message.type) {
      case 'add':
        return this.persist(message.value, (v) => {
          this.values.push(v);
          log.push(`persisted ${v} (seq ${this.lastSequenceNr})`);
        });
      case 'addAll':
        return this.persistAll(message.values, (v) => {
          this.values.push(v);
          log.push(`persisted ${v} (seq ${this.lastSequenceNr})`);
        });
      case 'addAsync':
        log.push(`command ${message.value}`);
        return this.persistAsync(message.value, (v) => {
          this.values.push(v);
          log.push(`persisted async ${v}`);
        });
      case 'addThenDefer':
        this.persist(message.value, (v) => log.push(`persisted ${v}`));
        return this.defer(`after ${message.value}`, (d) => log.push(`deferred ${d}`));
      case 'asyncThenDeferAsync':
        this.persistAsync(message.value, (v) => log.push(`persisted async ${v}`));
        return this.deferAsync(`after ${message.value}`, (d) => log.push(`deferred async ${d}`));
      case 'snapshot':
        return this.saveSnapshot(this.values);
      case 'delete':
        return this.deleteMessages(message.to);
      case 'deleteSnapshots':
        return this.deleteSnapshots(SnapshotSelectionCriteria.latest());
      case 'get':
        return message.replyTo.tell(this.values.join(','));
      case 'bad':
        return this.persist(10n, () => log.push('persisted a bigint?!'));
      case 'stash':
        log.push('stashing');
        return this.stash();
      case 'unstash':
        return this.unstashAll();
      case 'stop':
        return this.stopSelf();
      case 'SaveSnapshotSuccess':
        return void log.push(`snapshot saved at ${message.metadata.sequenceNr}`);
      case 'DeleteMessagesSuccess':
        return void log.push(`deleted to ${message.toSequenceNr}`);
      case 'DeleteMessagesFailure':
        return void log.push(`delete failed: ${(message.cause as Error).message}`);
      case 'DeleteSnapshotsSuccess':
        return void log.push('snapshots deleted');
      default:
        log.push(`response ${message.type}`);
    }
  }

  override onPersistRejected(cause: EventRejected, event: string | bigint, sequenceNr: number): void {
    this.log$.push(`rejected ${typeof event} at ${sequenceNr}: ${cause.name}`);
  }

  override onPersistFailure(cause: JournalFailure, event: string | bigint, sequenceNr: number): void {
    this.log$.push(`failed ${String(event)} at ${sequenceNr}: ${cause.name}`);
  }
}

let kit: ActorTestKit;
let journal: FaultInjectingJournal;
afterEach(() => kit?.shutdown());

function start(id = 'a') {
  journal = new FaultInjectingJournal(new MemoryJournal());
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
  return spawn(id);
}

function spawn(id: string) {
  const log: string[] = [];
  const ref = kit.spawn(persistentActor(() => new ListActor(id, log)), `list-${id}-${kit.system.deadLetters.count}`);
  return { ref, log };
}

async function get(ref: ActorRef<Cmd>): Promise<string> {
  const probe = kit.createTestProbe<string>();
  ref.tell({ type: 'get', replyTo: probe.ref });
  return probe.receiveMessage();
}

/** Stops the actor (so its persistenceId is free for a new incarnation) and waits for it. */
async function stop(ref: ActorRef<Cmd>) {
  ref.tell({ type: 'stop' });
  await kit.createTestProbe<never>().expectTerminated(ref);
}

describe('PersistentActor (classic)', () => {
  it('persist runs the handler after the event is stored, with lastSequenceNr of that event', async () => {
    const { ref, log } = start();
    ref.tell({ type: 'add', value: 'x' });
    ref.tell({ type: 'add', value: 'y' });
    expect(await get(ref)).toBe('x,y');
    expect(log).toEqual(['recovered [] last 0 snapshot 0', 'persisted x (seq 1)', 'persisted y (seq 2)']);
  });

  it('recovers with receiveRecover: events in order, then RecoveryCompleted', async () => {
    const { ref } = start('r');
    ref.tell({ type: 'addAll', values: ['a', 'b', 'c'] });
    expect(await get(ref)).toBe('a,b,c');
    await stop(ref);
    const again = spawn('r');
    expect(await get(again.ref)).toBe('a,b,c');
    expect(again.log).toEqual([
      'recover a (seq 1, recovering true)',
      'recover b (seq 2, recovering true)',
      'recover c (seq 3, recovering true)',
      'recovered [a,b,c] last 3 snapshot 0',
    ]);
  });

  it('persistAll stores its events in one atomic write', async () => {
    const { ref } = start();
    ref.tell({ type: 'addAll', values: ['1', '2', '3'] });
    await get(ref);
    expect(journal.writes.map((w) => w.events.map((e) => e.sequenceNr))).toEqual([[1, 2, 3]]);
  });

  it('persistAsync does not hold back commands, and its handlers run in order', async () => {
    const { ref, log } = start();
    ref.tell({ type: 'addAsync', value: 'a' });
    ref.tell({ type: 'addAsync', value: 'b' });
    ref.tell({ type: 'addAsync', value: 'c' });
    await kit.settle();
    expect(log.slice(1)).toEqual(['command a', 'command b', 'command c', 'persisted async a', 'persisted async b', 'persisted async c']);
  });

  it('commands sent during persist wait until its handler ran', async () => {
    const { ref, log } = start();
    ref.tell({ type: 'add', value: 'a' });
    ref.tell({ type: 'addAsync', value: 'b' });
    await kit.settle();
    expect(log.slice(1)).toEqual(['persisted a (seq 1)', 'command b', 'persisted async b']);
  });

  it('defer runs after the earlier persist handlers; deferAsync after the earlier persistAsync handlers', async () => {
    const { ref, log } = start();
    ref.tell({ type: 'addThenDefer', value: 'x' });
    ref.tell({ type: 'asyncThenDeferAsync', value: 'y' });
    await kit.settle();
    expect(log.slice(1)).toEqual(['persisted x', 'deferred after x', 'persisted async y', 'deferred async after y']);
    expect(journal.writes.flatMap((w) => w.events.map((e) => e.payload))).toEqual(['"x"', '"y"']);
  });

  it('saveSnapshot, then recovery offers the snapshot and replays only later events', async () => {
    const { ref, log } = start('s');
    ref.tell({ type: 'addAll', values: ['a', 'b'] });
    ref.tell({ type: 'snapshot' });
    ref.tell({ type: 'add', value: 'c' });
    await kit.settle();
    expect(log).toContain('snapshot saved at 2');
    await stop(ref);
    const again = spawn('s');
    expect(await get(again.ref)).toBe('a,b,c');
    expect(again.log).toEqual(['offer 2', 'recover c (seq 3, recovering true)', 'recovered [a,b,c] last 3 snapshot 2']);
  });

  it('deleteMessages removes events but never lowers the highest sequence nr', async () => {
    const { ref, log } = start('d');
    ref.tell({ type: 'addAll', values: ['a', 'b', 'c'] });
    ref.tell({ type: 'delete', to: 99 });
    ref.tell({ type: 'delete', to: 3 });
    await kit.settle();
    expect(log).toContain('delete failed: persistenceId "List|d": deleteMessages(99) is beyond the last sequence nr 3');
    expect(log).toContain('deleted to 3');
    await stop(ref);
    const again = spawn('d');
    expect(await get(again.ref)).toBe('');
    again.ref.tell({ type: 'add', value: 'd' });
    await get(again.ref);
    expect(again.log).toEqual(['recovered [] last 3 snapshot 0', 'persisted d (seq 4)']);
  });

  it('an event that cannot be serialized is rejected: onPersistRejected, and the actor goes on', async () => {
    const { ref, log } = start();
    ref.tell({ type: 'bad' });
    ref.tell({ type: 'add', value: 'after' });
    expect(await get(ref)).toBe('after');
    expect(log.slice(1)).toEqual(['rejected bigint at 1: EventRejected', 'persisted after (seq 2)']);
  });

  it('a storage failure calls onPersistFailure and stops the actor', async () => {
    const { ref, log } = start();
    journal.failWrite({ nth: 1 });
    ref.tell({ type: 'add', value: 'lost' });
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(log.slice(1)).toEqual(['failed lost at 1: JournalFailure']);
    expect(terminated.failure?.name).toBe('JournalFailure');
    expect(terminated.failure?.message).toMatch(/^journal failed to persist event string \(sequence nr 1\) of persistenceId "List\|a"; the actor stops: /);
  });

  it('stash() and unstashAll() put commands aside and bring them back in order', async () => {
    const { ref, log } = start();
    ref.tell({ type: 'stash' });
    ref.tell({ type: 'add', value: 'a' });
    ref.tell({ type: 'unstash' });
    await get(ref);
    expect(log.slice(1)).toEqual(['stashing', 'persisted a (seq 1)', 'stashing']);
  });

  it('persist during recovery is refused with a clear error', async () => {
    class Eager extends PersistentActor<string, string> {
      readonly persistenceId = 'eager';
      receiveRecover(): void {
        this.persist('too early', () => {});
      }
      receiveCommand(): void {}
    }
    journal = new FaultInjectingJournal(new MemoryJournal());
    await journal.writeMessages([{ persistenceId: 'eager', events: [{ persistenceId: 'eager', sequenceNr: 1, serializerId: 1, manifest: '', payload: '"x"', writerUuid: 'w', timestamp: 1, tags: [] }] }]);
    kit = ActorTestKit.create({ config: { persistence: { journal } } });
    const ref = kit.spawn(persistentActor(() => new Eager()));
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.message).toMatch(/persistenceId "eager": persistAll is not allowed during recovery/);
  });
});
