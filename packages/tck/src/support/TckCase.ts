/**
 * One conformance case, written once and run against every store. Cases are data so that the
 * TCK's own tests can run each of them against deliberately broken stores and see it fail.
 */
export interface TckCase<Context, Capabilities> {
  readonly name: string;
  /** When this returns false for the store's capabilities, the case is reported as skipped. */
  readonly requires?: (capabilities: Capabilities) => boolean;
  readonly run: (context: Context) => Promise<void>;
}

export interface TckGroup<Context, Capabilities> {
  readonly name: string;
  readonly cases: readonly TckCase<Context, Capabilities>[];
}

/** Thrown by a context's `skip` outside vitest (vitest's own skip is used inside it). */
export class CaseSkipped extends Error {
  override readonly name = 'CaseSkipped';
}

/**
 * Instances a case opened, closed when it ends: a failing case must not leave connections or file
 * handles behind for the next one.
 */
export class OpenedInstances<S extends { close?(): Promise<void> }> {
  readonly #open = new Set<S>();

  add(instance: S): S {
    this.#open.add(instance);
    return instance;
  }

  /** Closes `instance` now (once) and forgets it. */
  async close(instance: S): Promise<void> {
    this.#open.delete(instance);
    await instance.close?.();
  }

  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const instance of [...this.#open]) {
      try {
        await this.close(instance);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'closing the instances a TCK case opened failed');
  }
}
