import { isErrorNamed } from '@engram/core';
import type { Hono } from 'hono';
import type { AuditEntry } from '../audit/index.js';
import type { ReadSideApi } from '../projections/ReadSideApi.js';
import type { AccountSummary } from '../summary/index.js';
import { ApiError } from './errors.js';
import { parseAccountList, parseAuditSearch } from './queries.js';

/**
 * The routes served from the read models (eventually consistent: they show an operation once
 * its projection has applied it, usually within milliseconds) and the projections' admin routes:
 *   GET  /accounts                                   every account, by id, paged (?limit=&after=)
 *   GET  /audit                                      events by words, persistenceId and time (?q=&pid=&from=&to=&order=&after=&limit=)
 *   GET  /admin/projections                          every projection's status
 *   POST /admin/projections/:name/rebuild            rebuild a read model from the first event
 *   POST /admin/projections/:name/pause              stop handling events (kept across restarts)
 *   POST /admin/projections/:name/resume             continue
 */
export function addReadRoutes(app: Hono, readSide: ReadSideApi): void {
  app.get('/accounts', async (c) => {
    const { after, limit } = parseAccountList(c);
    const page = await readSide.accounts.list(after, limit);
    return c.json({ accounts: page.accounts.map(summaryView), next: page.next ?? null });
  });

  app.get('/audit', async (c) => {
    const query = parseAuditSearch(c);
    const page = await readSide.audit.search(query);
    return c.json({ order: query.order, events: page.entries.map(auditView), next: page.next ?? null });
  });

  app.get('/admin/projections', async (c) => c.json({ projections: await readSide.projections() }));

  for (const action of ['rebuild', 'pause', 'resume'] as const) {
    app.post(`/admin/projections/:name/${action}`, async (c) => {
      const name = c.req.param('name');
      try {
        return c.json(await readSide[action](name), 202);
      } catch (error) {
        if (isErrorNamed(error, 'UnknownProjection')) throw new ApiError(404, 'projection_not_found', error.message, { name });
        throw error;
      }
    });
  }
}

function summaryView(summary: AccountSummary) {
  return {
    id: summary.id,
    owner: summary.owner,
    balance: summary.balance,
    operations: summary.operations,
    openedAt: new Date(summary.openedAt).toISOString(),
  };
}

function auditView(entry: AuditEntry) {
  return {
    persistenceId: entry.persistenceId,
    sequenceNr: entry.sequenceNr,
    type: entry.type,
    at: new Date(entry.at).toISOString(),
    description: entry.description,
    event: entry.event,
  };
}
