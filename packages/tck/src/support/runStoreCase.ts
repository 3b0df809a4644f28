import { OpenedInstances } from './TckCase.js';
import type { UniqueIds } from './UniqueIds.js';

type Closeable = { close?(): Promise<void> };

/** What every case works with, whatever kind of store it tests. */
export interface StoreCaseBase<S, Capabilities> {
  readonly capabilities: Capabilities;
  /** A persistenceId no other case uses, ending with `label`. */
  pid(label?: string): string;
  /** A prefix no other case uses, for ids the case spells itself. */
  prefix(): string;
  /** Another instance from `create`; closed when the case ends. */
  open(): Promise<S>;
  /** Closes `old` and returns an instance over the same storage (durable stores only). */
  reopen(old: S): Promise<S>;
  /** Ends the case as skipped: the store does not offer what the case needs. */
  skip(reason: string): never;
}

/** The part of the TCK options a case run needs (journal and snapshot-store options both fit). */
export interface StoreCaseOptions<S, Capabilities> {
  readonly name: string;
  readonly create: () => Promise<S>;
  readonly capabilities: Capabilities;
  readonly reopen?: (old: S) => Promise<S>;
}

/**
 * Runs one case with the context `withStore` builds on the shared base, closing every instance the
 * case opened, also when it fails.
 */
export async function runStoreCase<S extends Closeable, Capabilities, Context>(
  run: (context: Context) => Promise<void>,
  options: StoreCaseOptions<S, Capabilities>,
  withStore: (base: StoreCaseBase<S, Capabilities>) => Context,
  ids: UniqueIds,
  skip: (reason: string) => never,
): Promise<void> {
  const opened = new OpenedInstances<S>();
  const base: StoreCaseBase<S, Capabilities> = {
    capabilities: options.capabilities,
    pid: (label) => ids.pid(label),
    prefix: () => ids.prefix(),
    open: async () => opened.add(await options.create()),
    reopen: async (old) => {
      if (options.reopen === undefined) {
        throw new Error(`${options.name}: the case needs reopen(), which the TCK options do not provide`);
      }
      await opened.close(old);
      return opened.add(await options.reopen(old));
    },
    skip,
  };
  try {
    await run(withStore(base));
  } catch (error) {
    // The case's own failure says more than a close that fails after it.
    await opened.closeAll().catch(() => undefined);
    throw error;
  }
  await opened.closeAll();
}
