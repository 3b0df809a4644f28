import { describe, expect, it } from 'vitest';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { PersistentActor, persistentActor } from './PersistentActor.js';
import { Persistence } from './Persistence.js';

// terminate() has a deadline: a store call that never returns cannot hold the process forever.

/** A journal whose writes never complete (a stuck connection). */
function stuckJournal(): Journal & { calls: number; closed: boolean } {
  return {
    calls: 0,
    closed: false,
    writeMessages() {
      this.calls++;
      return new Promise(() => {});
    },
    replayMessages: async () => {},
    readHighestSequenceNr: async () => 0,
    deleteMessagesTo: async () => {},
    async close() {
      this.closed = true;
    },
  };
}

class Writer extends PersistentActor<string, string> {
  constructor(readonly persistenceId: string) {
    super();
  }
  receiveRecover(): void {}
  receiveCommand(message: unknown): void {
    if (typeof message === 'string') this.persistAsync(message, () => {});
  }
}

describe('terminate() behind a stuck journal call', () => {
  it('gives up after terminateTimeoutMs, names what was pending, and closes the stores anyway', async () => {
    const journal = stuckJournal();
    const kit = ActorTestKit.create({
      config: { persistence: { journal, snapshotStore: new MemorySnapshotStore(), terminateTimeoutMs: 2000 } },
      heldWork: () => 2,
    });
    kit.spawn(persistentActor(() => new Writer('stuck-1'))).tell('e1');
    const second = kit.spawn(persistentActor(() => new Writer('stuck-2')));
    await kit.settle();
    second.tell('e2');
    second.tell('e3');
    await kit.settle();
    expect(journal.calls).toBe(1);
    let terminated = false;
    void kit.system.terminate().then(() => (terminated = true));
    await kit.advance(1999);
    expect(terminated).toBe(false);
    await kit.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(terminated).toBe(true);
    expect(journal.closed).toBe(true);
    const report = kit.logs.find('terminate: after 2000 ms', 'error');
    expect(report).toHaveLength(1);
    expect(report[0]!.message).toMatch(/stuck-1 \(1\), stuck-2 \(2\)|stuck-2 \(2\), stuck-1 \(1\)/);
    expect(report[0]!.fields['pendingWrites']).toBe(3);
  });

  it('a terminateTimeoutMs that is not a non-negative number is refused by name', () => {
    const kit = ActorTestKit.create({ config: { persistence: { terminateTimeoutMs: -1 } } });
    expect(() => Persistence.get(kit.system)).toThrow(/persistence\.terminateTimeoutMs must be .*got -1/);
    void kit.system.terminate();
  });
});
