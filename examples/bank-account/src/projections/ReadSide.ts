import {
  HandlerRecovery,
  PersistenceQuery,
  Projection,
  SourceProvider,
  runProjection,
  type ActorSystem,
  type ProjectionStatus,
  type RunningProjection,
} from '@engram/core';
import type { AuditQueries } from '../audit/index.js';
import { NatsEventPublisher, type NatsPublisherConfig } from '../publisher/index.js';
import type { ReadModels } from '../storage/ReadModels.js';
import type { AccountSummaryQueries } from '../summary/index.js';
import { UnknownProjection } from './errors.js';
import type { ProjectionReport, ReadSideApi } from './ReadSideApi.js';

export interface ReadSideOptions {
  /** Publish every event to NATS JetStream; no publisher when undefined. */
  readonly nats?: NatsPublisherConfig;
}

/** The projection names, as the offset store and `/admin/projections` know them. */
export const projectionNames = {
  summary: 'account-summary',
  audit: 'audit-trail',
  publisher: 'nats-publisher',
} as const;

interface Running {
  readonly projection: Projection<unknown>;
  readonly running: RunningProjection;
  readonly details?: () => Readonly<Record<string, number>>;
}

// A failed run (the database unreachable, the broker down) restarts from its stored offset after
// 0.5 s, doubling up to 30 s; the status shows the error meanwhile.
const restartBackoff = { minMs: 500, maxMs: 30_000, randomFactor: 0.2 } as const;

/**
 * The read side: the projections that keep the account summary and the audit trail (and publish
 * to NATS when configured), over every event of the system's journal.
 *
 * They read `allEvents`: every event of an account is in its own journal (tagged `account`), so
 * the summary could read `eventsByTag('account')` as well, but the audit trail and the publisher
 * take every event anyway, and one source keeps the three in the same order. Events of other
 * persistenceIds are passed over by the summary.
 */
export class ReadSide implements ReadSideApi {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly models: ReadModels,
    private readonly byName: ReadonlyMap<string, Running>,
    private readonly publisher: NatsEventPublisher | undefined,
  ) {}

  /** Starts the projections in `system`; they catch up in the background. */
  static start(system: ActorSystem, models: ReadModels, options: ReadSideOptions = {}): ReadSide {
    const source = SourceProvider.allEvents(PersistenceQuery.get(system).readJournal());
    const { offsetStore, summary, audit } = models;
    const byName = new Map<string, Running>();
    const run = (projection: Projection<unknown>, details?: () => Readonly<Record<string, number>>): void => {
      byName.set(projection.id.name, { projection, running: runProjection(system, projection), ...(details === undefined ? {} : { details }) });
    };
    run(
      Projection.exactlyOnce({
        name: projectionNames.summary,
        source,
        offsetStore,
        handler: (envelope, tx) => summary.apply([envelope], tx),
        rebuild: (tx) => summary.clear(tx),
        restartBackoff,
      }),
    );
    run(
      // Batched: a rebuild or a long catch-up writes hundreds of events per transaction.
      Projection.grouped({
        name: projectionNames.audit,
        source,
        offsetStore,
        groupSize: 500,
        groupWithinMs: 20,
        handler: (envelopes, tx) => audit.apply(envelopes, tx),
        rebuild: (tx) => audit.clear(tx),
        restartBackoff,
      }),
    );
    let publisher: NatsEventPublisher | undefined;
    if (options.nats !== undefined) {
      const nats = new NatsEventPublisher(options.nats, system.log);
      publisher = nats;
      run(
        Projection.atLeastOnce({
          name: projectionNames.publisher,
          source,
          offsetStore,
          handler: (envelope) => nats.publish(envelope),
          saveOffsetAfterEnvelopes: 100,
          saveOffsetAfterMs: 1_000,
          // A publish that timed out is tried twice more before the run fails and restarts.
          recovery: HandlerRecovery.retryAndFail(2, 1_000),
          restartBackoff,
        }),
        () => ({ ...nats.stats }),
      );
    }
    return new ReadSide(models, byName, publisher);
  }

  get accounts(): AccountSummaryQueries {
    return this.models.summary;
  }

  get audit(): AuditQueries {
    return this.models.audit;
  }

  get projectionNames(): readonly string[] {
    return [...this.byName.keys()];
  }

  async projections(): Promise<readonly ProjectionReport[]> {
    return Promise.all([...this.byName.values()].map(async (entry) => reportOf(entry, await entry.running.status())));
  }

  rebuild(name: string): Promise<ProjectionReport> {
    return this.manage(name, (running) => running.rebuild());
  }

  pause(name: string): Promise<ProjectionReport> {
    return this.manage(name, (running) => running.pause());
  }

  resume(name: string): Promise<ProjectionReport> {
    return this.manage(name, (running) => running.resume());
  }

  /**
   * Closes the publisher and the read models' connections, once the projections' actors have
   * stopped (they stop with the actor system, the publisher saving its offset): the app calls it
   * from a termination hook of the system. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.publisher?.close();
      } finally {
        await this.models.close();
      }
    })();
    return this.closing;
  }

  private async manage(name: string, command: (running: RunningProjection) => Promise<void>): Promise<ProjectionReport> {
    const entry = this.byName.get(name);
    if (entry === undefined) throw new UnknownProjection(name, this.projectionNames);
    await command(entry.running);
    return reportOf(entry, await entry.running.status());
  }
}

function reportOf(entry: Running, status: ProjectionStatus): ProjectionReport {
  const report: ProjectionReport = {
    name: status.name,
    kind: entry.projection.kind,
    state: status.state,
    offset: status.offset ?? null,
    lagEvents: status.lagEvents ?? null,
    lagCapped: status.lagCapped,
    lagMs: status.lagMs ?? null,
    stalled: status.stalled,
    lastError:
      status.lastError === undefined
        ? null
        : { message: status.lastError.message, envelopeId: status.lastError.envelopeId ?? null, at: new Date(status.lastError.at).toISOString() },
  };
  return entry.details === undefined ? report : { ...report, details: entry.details() };
}
