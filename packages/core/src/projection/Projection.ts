import { SupervisorStrategy, type BackoffStrategy } from '../actor/SupervisorStrategy.js';
import { InvalidArgument, requireNumber } from '../errors/index.js';
import type { EventEnvelope } from '../query/EventEnvelope.js';
import type { OffsetStore, ProjectionId, TransactionalOffsetStore } from '../spi/OffsetStore.js';
import { HandlerRecovery, type HandlerRecoveryStrategy } from './HandlerRecovery.js';
import type { SourceProvider } from './SourceProvider.js';

/** How a failed run is restarted: `minMs`, doubled per consecutive failure up to `maxMs`. */
export interface RestartBackoff {
  readonly minMs: number;
  readonly maxMs: number;
  /** Each delay is multiplied by 1 + random * randomFactor. Default 0.2. */
  readonly randomFactor?: number;
  /** Running this long without failing resets the delay to `minMs`. Default minMs + maxMs. */
  readonly resetAfterMs?: number;
}

/** What every kind of projection is given. */
export interface ProjectionSettings<E> {
  /** Names the projection in the offset store and in logs, e.g. `account-summary`. */
  readonly name: string;
  /** One instance of it (a tag, a slice); default `''`. */
  readonly key?: string;
  readonly source: SourceProvider<E>;
  /** When the handler throws. Default `HandlerRecovery.fail()`. */
  readonly recovery?: HandlerRecoveryStrategy;
  /** Restarts of a failed run. Default `{ minMs: 200, maxMs: 10_000, randomFactor: 0.2 }`. */
  readonly restartBackoff?: RestartBackoff;
  /** The status says `stalled` when events wait and nothing was handled for this long. Default 30 s. */
  readonly stalledAfterMs?: number;
  /** The status counts waiting events up to this many. Default 100,000. */
  readonly lagCountLimit?: number;
  /** How long stopping waits for the source to end after its signal aborted. Default 5 s. */
  readonly stopTimeoutMs?: number;
}

export interface ExactlyOnceSettings<E, T> extends ProjectionSettings<E> {
  readonly offsetStore: TransactionalOffsetStore<T>;
  /** Runs in the offset store's transaction: its writes commit with the envelope's offset, or not at all. */
  readonly handler: (envelope: EventEnvelope<E>, tx: T) => void | Promise<void>;
  /** Clears the read model for `rebuild()`, in the transaction that clears the offset. */
  readonly rebuild?: (tx: T) => void | Promise<void>;
}

export interface GroupedSettings<E, T> extends ProjectionSettings<E> {
  readonly offsetStore: TransactionalOffsetStore<T>;
  /** Envelopes per group (a group never splits the envelopes of one offset). Default 100. */
  readonly groupSize?: number;
  /** A group that is not full is handled this long after its first envelope arrived. Default 100 ms. */
  readonly groupWithinMs?: number;
  /** Runs in one transaction per group: its writes commit with the group's last offset. */
  readonly handler: (envelopes: readonly EventEnvelope<E>[], tx: T) => void | Promise<void>;
  readonly rebuild?: (tx: T) => void | Promise<void>;
}

export interface AtLeastOnceSettings<E> extends ProjectionSettings<E> {
  readonly offsetStore: OffsetStore;
  /** Runs before the offset is stored: after a crash, envelopes since the last stored offset come again. */
  readonly handler: (envelope: EventEnvelope<E>) => void | Promise<void>;
  /** Store the offset after this many envelopes... Default 100. */
  readonly saveOffsetAfterEnvelopes?: number;
  /** ...or this long after the first envelope not yet stored, whichever comes first. Default 1 s. */
  readonly saveOffsetAfterMs?: number;
  /** Clears the read model for `rebuild()`, before the offset is cleared. */
  readonly rebuild?: () => void | Promise<void>;
}

export interface AtMostOnceSettings<E> extends ProjectionSettings<E> {
  readonly offsetStore: OffsetStore;
  /** Runs after the offset is stored: after a crash, the envelope in flight is not handled again. */
  readonly handler: (envelope: EventEnvelope<E>) => void | Promise<void>;
  readonly rebuild?: () => void | Promise<void>;
}

export type ProjectionKind = 'exactlyOnce' | 'atLeastOnce' | 'atMostOnce' | 'grouped';

type Result = void | Promise<void>;

/** @internal How envelopes and offsets meet, per kind; the transaction type is erased. */
export type Delivery<E> =
  | {
      readonly kind: 'exactlyOnce';
      readonly store: TransactionalOffsetStore<unknown>;
      readonly handle: (envelope: EventEnvelope<E>, tx: unknown) => Result;
      readonly rebuild: ((tx: unknown) => Result) | undefined;
    }
  | {
      readonly kind: 'grouped';
      readonly store: TransactionalOffsetStore<unknown>;
      readonly handle: (envelopes: readonly EventEnvelope<E>[], tx: unknown) => Result;
      readonly groupSize: number;
      readonly groupWithinMs: number;
      readonly rebuild: ((tx: unknown) => Result) | undefined;
    }
  | {
      readonly kind: 'atLeastOnce';
      readonly store: OffsetStore;
      readonly handle: (envelope: EventEnvelope<E>) => Result;
      readonly saveAfterEnvelopes: number;
      readonly saveAfterMs: number;
      readonly rebuild: (() => Result) | undefined;
    }
  | {
      readonly kind: 'atMostOnce';
      readonly store: OffsetStore;
      readonly handle: (envelope: EventEnvelope<E>) => Result;
      readonly rebuild: (() => Result) | undefined;
    };

/** @internal The checked settings of a projection. */
export interface ProjectionDefinition<E> {
  readonly id: ProjectionId;
  readonly source: SourceProvider<E>;
  readonly delivery: Delivery<E>;
  readonly recovery: HandlerRecoveryStrategy;
  readonly backoff: BackoffStrategy;
  readonly stalledAfterMs: number;
  readonly lagCountLimit: number;
  readonly stopTimeoutMs: number;
}

/**
 * A projection: a source of envelopes, a handler, and an offset store that keeps how far it got.
 * Build one with `Projection.exactlyOnce`, `atLeastOnce`, `atMostOnce` or `grouped`, then start it
 * with `runProjection(system, projection)` (or spawn `ProjectionBehavior.create(projection)`).
 */
export class Projection<E = unknown> {
  /** One transaction per envelope: the handler's writes and the offset commit together. */
  static exactlyOnce<E, T>(settings: ExactlyOnceSettings<E, T>): Projection<E> {
    const store = requireTransactional(settings.offsetStore, 'exactlyOnce');
    const handler = requireFunction('exactlyOnce handler', settings.handler);
    return new Projection(
      define(settings, {
        kind: 'exactlyOnce',
        store,
        handle: (envelope, tx) => handler(envelope, tx as T),
        rebuild: optionalTxHook(settings.rebuild),
      }),
    );
  }

  /** Many envelopes per transaction: `groupSize` of them, or what came within `groupWithinMs`. */
  static grouped<E, T>(settings: GroupedSettings<E, T>): Projection<E> {
    const store = requireTransactional(settings.offsetStore, 'grouped');
    const handler = requireFunction('grouped handler', settings.handler);
    return new Projection(
      define(settings, {
        kind: 'grouped',
        store,
        handle: (envelopes, tx) => handler(envelopes, tx as T),
        groupSize: requireNumber('grouped groupSize', settings.groupSize ?? 100, { min: 1, integer: true }),
        groupWithinMs: requireNumber('grouped groupWithinMs', settings.groupWithinMs ?? 100, { min: 0 }),
        rebuild: optionalTxHook(settings.rebuild),
      }),
    );
  }

  /** The offset is stored every N envelopes or T ms, after the handler ran: a crash repeats some. */
  static atLeastOnce<E>(settings: AtLeastOnceSettings<E>): Projection<E> {
    return new Projection(
      define(settings, {
        kind: 'atLeastOnce',
        store: requireOffsetStore(settings.offsetStore, 'atLeastOnce'),
        handle: requireFunction('atLeastOnce handler', settings.handler),
        saveAfterEnvelopes: requireNumber('atLeastOnce saveOffsetAfterEnvelopes', settings.saveOffsetAfterEnvelopes ?? 100, {
          min: 1,
          integer: true,
        }),
        saveAfterMs: requireNumber('atLeastOnce saveOffsetAfterMs', settings.saveOffsetAfterMs ?? 1000, { min: 0 }),
        rebuild: optionalHook(settings.rebuild),
      }),
    );
  }

  /** The offset is stored before the handler runs: a crash loses the envelope in flight. */
  static atMostOnce<E>(settings: AtMostOnceSettings<E>): Projection<E> {
    return new Projection(
      define(settings, {
        kind: 'atMostOnce',
        store: requireOffsetStore(settings.offsetStore, 'atMostOnce'),
        handle: requireFunction('atMostOnce handler', settings.handler),
        rebuild: optionalHook(settings.rebuild),
      }),
    );
  }

  private constructor(
    /** @internal */
    readonly definition: ProjectionDefinition<E>,
  ) {}

  get id(): ProjectionId {
    return this.definition.id;
  }

  get kind(): ProjectionKind {
    return this.definition.delivery.kind;
  }
}

function define<E>(settings: ProjectionSettings<E>, delivery: Delivery<E>): ProjectionDefinition<E> {
  if (typeof settings.name !== 'string' || settings.name.length === 0) {
    throw new InvalidArgument('projection name', settings.name, 'a non-empty string');
  }
  const key = settings.key ?? '';
  if (typeof key !== 'string') throw new InvalidArgument(`projection ${settings.name} key`, key, 'a string');
  const source = settings.source as Partial<SourceProvider<E>> | undefined;
  if (typeof source?.events !== 'function' || typeof source.parseOffset !== 'function') {
    throw new InvalidArgument(`projection ${settings.name} source`, settings.source, 'a SourceProvider ({ events(from, options), parseOffset(text) })');
  }
  const backoff = settings.restartBackoff ?? { minMs: 200, maxMs: 10_000 };
  return {
    id: { name: settings.name, key },
    source: settings.source,
    delivery,
    recovery: settings.recovery ?? HandlerRecovery.fail(),
    backoff: SupervisorStrategy.restartWithBackoff({
      minBackoffMs: backoff.minMs,
      maxBackoffMs: backoff.maxMs,
      randomFactor: backoff.randomFactor ?? 0.2,
      ...(backoff.resetAfterMs === undefined ? {} : { resetBackoffAfterMs: backoff.resetAfterMs }),
      // What arrives for a run waiting to restart belongs to the failed run.
      stashCapacity: 0,
    }),
    stalledAfterMs: requireNumber(`projection ${settings.name} stalledAfterMs`, settings.stalledAfterMs ?? 30_000, { min: 0 }),
    lagCountLimit: requireNumber(`projection ${settings.name} lagCountLimit`, settings.lagCountLimit ?? 100_000, { min: 1, integer: true }),
    stopTimeoutMs: requireNumber(`projection ${settings.name} stopTimeoutMs`, settings.stopTimeoutMs ?? 5000, { min: 1 }),
  };
}

function requireOffsetStore(store: OffsetStore, kind: ProjectionKind): OffsetStore {
  const candidate = store as Partial<OffsetStore> | undefined;
  if (typeof candidate?.readProjection !== 'function' || typeof candidate.saveOffset !== 'function' || typeof candidate.savePaused !== 'function') {
    throw new InvalidArgument(`${kind} offsetStore`, store, 'an OffsetStore (readProjection, saveOffset, savePaused)');
  }
  return store;
}

function requireTransactional<T>(store: TransactionalOffsetStore<T>, kind: ProjectionKind): TransactionalOffsetStore<unknown> {
  requireOffsetStore(store, kind);
  if (typeof (store as Partial<TransactionalOffsetStore<T>>).inTransaction !== 'function') {
    throw new InvalidArgument(`${kind} offsetStore`, store, 'a TransactionalOffsetStore (with inTransaction); atLeastOnce takes a plain OffsetStore');
  }
  return store as TransactionalOffsetStore<unknown>;
}

function requireFunction<F>(what: string, value: F): F {
  if (typeof value !== 'function') throw new InvalidArgument(what, value, 'a function');
  return value;
}

function optionalTxHook<T>(hook: ((tx: T) => Result) | undefined): ((tx: unknown) => Result) | undefined {
  if (hook === undefined) return undefined;
  requireFunction('projection rebuild', hook);
  return (tx) => hook(tx as T);
}

function optionalHook(hook: (() => Result) | undefined): (() => Result) | undefined {
  if (hook === undefined) return undefined;
  return requireFunction('projection rebuild', hook);
}
