import type { Logger } from '../../actor/Logger.js';
import type { Scheduler } from '../../actor/Scheduler.js';
import type { Journal } from '../../spi/Journal.js';
import type { SnapshotStore } from '../../spi/SnapshotStore.js';

/** True if `work` settles within `timeoutMs` on `scheduler`'s clock, false if the deadline came first. */
export function settlesWithin(scheduler: Scheduler, timeoutMs: number, work: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = scheduler.schedule(timeoutMs, () => resolve(false));
    const done = () => {
      deadline.cancel();
      resolve(true);
    };
    work.then(done, done);
  });
}

/**
 * Closes a system's journal and snapshot store (once, when they are one object) within
 * `timeoutMs`; a failing or late close is logged, never thrown, so termination always ends.
 */
export async function closeStores(
  stores: { readonly journal: Journal | undefined; readonly snapshotStore: SnapshotStore | undefined },
  scheduler: Scheduler,
  log: Logger,
  timeoutMs: number,
): Promise<void> {
  const { journal, snapshotStore } = stores;
  const closing: Promise<void>[] = [];
  if (journal?.close !== undefined) closing.push(journal.close());
  if (snapshotStore?.close !== undefined && (snapshotStore as unknown) !== journal) closing.push(snapshotStore.close());
  const settled = Promise.allSettled(closing);
  if (!(await settlesWithin(scheduler, timeoutMs, settled))) {
    log.error({}, `terminate: the persistence stores did not close within ${timeoutMs} ms; giving up on them`);
    return;
  }
  for (const result of await settled) {
    if (result.status === 'rejected') log.error({ err: result.reason }, 'closing a persistence store failed');
  }
}
