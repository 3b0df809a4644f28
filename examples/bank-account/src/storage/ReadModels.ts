import type { TransactionalOffsetStore } from '@engram/core';
import type { AuditQueries } from '../audit/index.js';
import type { ReadModel } from '../projections/ReadModel.js';
import type { AccountSummaryQueries } from '../summary/index.js';

/**
 * The read models of one store and the offset store of their projections, in the same database,
 * so that each projection commits its rows and its offset in one transaction (`T`).
 */
export interface ReadModels<T = unknown> {
  readonly offsetStore: TransactionalOffsetStore<T>;
  readonly summary: ReadModel<T> & AccountSummaryQueries;
  readonly audit: ReadModel<T> & AuditQueries;
  /** Closes the connections; after the projections have stopped. */
  close(): Promise<void>;
}
