import type { AuditQueries } from '../audit/index.js';
import type { AccountSummaryQueries } from '../summary/index.js';

/** A projection's status as `GET /admin/projections` shows it. */
export interface ProjectionReport {
  readonly name: string;
  readonly kind: 'exactlyOnce' | 'atLeastOnce' | 'atMostOnce' | 'grouped';
  readonly state: 'running' | 'paused' | 'stopped' | 'failed';
  /** The offset of the last event handled; null before the first. */
  readonly offset: string | null;
  /** Events stored after `offset`, not handled yet; null when unknown. */
  readonly lagEvents: number | null;
  /** True when there are more than `lagEvents` (counting stops at a limit). */
  readonly lagCapped: boolean;
  /** How long the oldest event not handled yet has waited, in ms; 0 when caught up. */
  readonly lagMs: number | null;
  /** Events wait and nothing was handled for a while. */
  readonly stalled: boolean;
  readonly lastError: { readonly message: string; readonly envelopeId: string | null; readonly at: string } | null;
  /** What the projection counts of its own (the NATS publisher: published, duplicates). */
  readonly details?: Readonly<Record<string, number>>;
}

/** What the HTTP routes use of the read side. */
export interface ReadSideApi {
  readonly accounts: AccountSummaryQueries;
  readonly audit: AuditQueries;
  /** Every projection, in a fixed order. */
  projections(): Promise<readonly ProjectionReport[]>;
  /**
   * Clears the projection's read model and offset and starts it again from the first event
   * (the NATS publisher publishes every event again; the broker drops those it still remembers).
   * Resolves once it runs again, not once it has caught up; rejects with `UnknownProjection`.
   */
  rebuild(name: string): Promise<ProjectionReport>;
  /** Stops handling events (after the one in flight); kept across restarts: it starts paused. */
  pause(name: string): Promise<ProjectionReport>;
  /** Continues from where it paused. */
  resume(name: string): Promise<ProjectionReport>;
}
