import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ActorSystem, DeliveryDeduplication, Effect, eventSourced, type ActorRef } from '@engram/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../journal/index.js';
import { within } from '../query/deadline.test-support.js';
import { SqliteSnapshotStore } from '../snapshot/index.js';
import { tempDatabase } from '../testing/fixtures.test-support.js';
import type { ChildMessage, Delivery, ParentMessage } from './deliverySender.test-support.js';

// Two real processes: this one runs an idempotent receiver on SQLite; the child runs the sender,
// an AtLeastOnceDeliveryActor on its own SQLite file, and is killed with SIGKILL in the middle of
// its stream. Deliveries and confirmations cross the process boundary over the IPC channel, so
// whatever was in flight when the sender died is lost with it.
const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const childScript = fileURLToPath(new URL('./deliverySender.test-support.ts', import.meta.url));
// Starting a TypeScript child on a busy machine is slow; past this the test fails naming the wait.
const DEADLINE_MS = 120_000;

const TOTAL = 1_000;
const WINDOW = 50;
const KILL_AFTER = 400;
/** Confirmations the first sender never gets: these deliveries must come again, as duplicates. */
const WITHHELD = { from: 301, to: 320 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startSender(path: string, onMessage: (message: ChildMessage) => void) {
  const child = spawn(process.execPath, ['--import', loader, childScript, path, String(TOTAL), String(WINDOW)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('message', (message: ChildMessage) => onMessage(message));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}

/** Sends to the child unless it is gone (a confirmation to a dead sender is lost, as on a network). */
function sendTo(child: ChildProcess, message: ParentMessage): void {
  if (child.connected) child.send(message, () => {});
}

type ReceiverCommand = Delivery & { readonly confirm: (deliveryId: number) => void };
type Handled = { readonly type: 'Handled'; readonly from: string; readonly deliveryId: number; readonly n: number };

/** Handles each delivery once (one event, with its id) and confirms every copy it gets. */
function receiver(onHandled: (event: Handled) => void, onDuplicate: (deliveryId: number) => void) {
  return eventSourced<ReceiverCommand, Handled, DeliveryDeduplication>({
    persistenceId: 'Receiver|1',
    emptyState: DeliveryDeduplication.empty,
    commandHandler: (state, delivery) => {
      if (DeliveryDeduplication.isDuplicate(state, delivery.from, delivery.deliveryId)) {
        onDuplicate(delivery.deliveryId);
        delivery.confirm(delivery.deliveryId);
        return Effect.none();
      }
      const event: Handled = { type: 'Handled', from: delivery.from, deliveryId: delivery.deliveryId, n: delivery.n };
      return Effect.persist(event).thenRun(() => {
        onHandled(event);
        delivery.confirm(delivery.deliveryId);
      });
    },
    eventHandler: (state, event) => DeliveryDeduplication.recorded(state, event.from, event.deliveryId),
  });
}

/** A promise and its resolve, resolved at most once. */
function signal() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function payloadsOf(path: string, persistenceId: string): Promise<{ manifest: string; payload: unknown }[]> {
  const journal = new SqliteJournal({ path });
  try {
    const events: { manifest: string; payload: unknown }[] = [];
    await journal.replayMessages(persistenceId, 1, Infinity, Infinity, (r) => events.push({ manifest: r.manifest, payload: r.payload }));
    return events;
  } finally {
    await journal.close();
  }
}

describe('at-least-once delivery across a SIGKILL of the sending process (SQLite)', () => {
  it('every one of 1,000 deliveries ends handled exactly once at the idempotent receiver; duplicates are dropped by id', async () => {
    const senderDb = tempDatabase();
    const receiverDb = tempDatabase();
    cleanups.push(senderDb.remove, receiverDb.remove);
    const system = ActorSystem.create('receiver', {
      logLevel: 'error',
      persistence: { journal: new SqliteJournal({ path: receiverDb.path }), snapshotStore: new SqliteSnapshotStore({ path: receiverDb.path }) },
    });
    cleanups.push(() => system.terminate());

    const handled = new Set<number>();
    const duplicates: number[] = [];
    const reachedKillPoint = signal();
    const allHandled = signal();
    const target: ActorRef<ReceiverCommand> = system.spawn(
      receiver(
        (event) => {
          handled.add(event.deliveryId);
          if (handled.size >= KILL_AFTER) reachedKillPoint.resolve();
          if (handled.size === TOTAL) allHandled.resolve();
        },
        (deliveryId) => duplicates.push(deliveryId),
      ),
      'receiver',
    );

    // The first sender: confirmations of WITHHELD never reach it; it is killed mid-stream.
    let firstAlive = true;
    const first = startSender(senderDb.path, (message) => {
      if (message.kind !== 'delivery') return;
      target.tell({
        ...message,
        confirm: (id) => {
          const withheld = firstAlive && id >= WITHHELD.from && id <= WITHHELD.to;
          if (!withheld) sendTo(first.child, { confirm: id });
        },
      });
    });
    await within(DEADLINE_MS, `the receiver handling ${KILL_AFTER} deliveries from the first sender`, reachedKillPoint.promise);
    first.child.kill('SIGKILL');
    const killed = await within(DEADLINE_MS, 'the first sender exiting', first.exited);
    firstAlive = false;
    expect(killed.signal, `the first sender should die of the SIGKILL; stderr: ${killed.stderr}`).toBe('SIGKILL');

    const producedBeforeKill = (await payloadsOf(senderDb.path, 'Producer|1')).filter((e) => e.manifest === 'Produced').length;
    expect(producedBeforeKill, 'the sender was killed in the middle of its stream').toBeGreaterThanOrEqual(KILL_AFTER);
    expect(producedBeforeKill).toBeLessThan(TOTAL);

    // The restarted sender recovers from its journal and finishes the stream.
    const done = signal();
    const second = startSender(senderDb.path, (message) => {
      if (message.kind === 'done') return done.resolve();
      target.tell({ ...message, confirm: (id) => sendTo(second.child, { confirm: id }) });
    });
    await within(DEADLINE_MS, 'the restarted sender having every delivery confirmed', Promise.all([done.promise, allHandled.promise]));
    sendTo(second.child, { exit: true });
    const exited = await within(DEADLINE_MS, 'the second sender exiting', second.exited);
    expect(exited.code, exited.stderr).toBe(0);
    await system.terminate();

    // What the receiver stored: each delivery once, ids 1..1000 without gaps, each id its own n.
    const stored = (await payloadsOf(receiverDb.path, 'Receiver|1')).map((e) => JSON.parse(e.payload as string) as Handled);
    expect(stored).toHaveLength(TOTAL);
    expect(stored.map((e) => e.deliveryId).sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(stored.every((e) => e.n === e.deliveryId)).toBe(true);

    // The withheld deliveries came again after the restart and were dropped by id.
    for (let id = WITHHELD.from; id <= WITHHELD.to; id++) expect(duplicates).toContain(id);
    // The sender produced each item once across both processes.
    const produced = (await payloadsOf(senderDb.path, 'Producer|1')).filter((e) => e.manifest === 'Produced');
    expect(produced).toHaveLength(TOTAL);
  });
});
