import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { Effect } from '../persistence/Effect.js';
import { eventSourced } from '../persistence/eventSourced.js';
import type { Journal } from '../spi/Journal.js';
import type { SnapshotStore } from '../spi/SnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { TestProbe } from '../testkit/TestProbe.js';

export type WriterCommand = { readonly type: 'write'; readonly text: string; readonly replyTo: ActorRef<string> };

/** Persists each text as an event (tagged `letters`) and replies `<text>-<sequence nr>`, as the writer of Akka's PersistentViewSpec. */
export function writer(persistenceId: string) {
  return eventSourced<WriterCommand, string, number>({
    persistenceId,
    emptyState: 0,
    commandHandler: (_state, command) => Effect.persist<string, number>(command.text).thenReply(command.replyTo, (count) => `${command.text}-${count}`),
    eventHandler: (count) => count + 1,
    tagger: () => ['letters'],
  });
}

export interface ViewTestKit {
  readonly kit: ActorTestKit;
  readonly journal: Journal;
  readonly snapshotStore: SnapshotStore;
  /** Spawns a writer and has it persist `texts`, waiting for each reply. */
  write(persistenceId: string, ...texts: string[]): Promise<void>;
}

export function viewTestKit(
  kits: ActorTestKit[],
  stores: { readonly journal?: Journal; readonly snapshotStore?: SnapshotStore } = {},
): ViewTestKit {
  const journal = stores.journal ?? new MemoryJournal();
  const snapshotStore = stores.snapshotStore ?? new MemorySnapshotStore();
  const kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore } }, echoLogs: !!process.env.ECHO });
  kits.push(kit);
  const writers = new Map<string, ActorRef<WriterCommand>>();
  const replies: TestProbe<string> = kit.createTestProbe<string>('writer-replies');
  return {
    kit,
    journal,
    snapshotStore,
    async write(persistenceId, ...texts) {
      let ref = writers.get(persistenceId);
      if (ref === undefined) {
        ref = kit.spawn(writer(persistenceId));
        writers.set(persistenceId, ref);
      }
      for (const text of texts) {
        ref.tell({ type: 'write', text, replyTo: replies.ref });
        await replies.receiveMessage();
      }
    },
  };
}
