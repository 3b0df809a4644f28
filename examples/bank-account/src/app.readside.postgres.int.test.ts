import { afterAll, beforeAll, describe, it } from 'vitest';
import { dropSchema, freshSchema, postgresAvailable, postgresUrl } from './testing/postgres.test-support.js';
import * as cases from './testing/readSideCases.test-support.js';
import { startTestApp, type TestApp } from './testing/testApp.test-support.js';

// The read side on PostgreSQL (tsvector + GIN for the audit trail): the cases the SQLite test file
// runs, on a fresh schema.

const available = await postgresAvailable('bank-account read side');
const schema = freshSchema('bank_read');
let t: TestApp;

beforeAll(async () => {
  if (available) t = await startTestApp({ ENGRAM_POSTGRES_URL: postgresUrl, ENGRAM_POSTGRES_SCHEMA: schema });
});
afterAll(async () => {
  await t?.app.stop();
  if (available) await dropSchema(schema);
});

describe.skipIf(!available)('read models on PostgreSQL', () => {
  it('GET /accounts lists every account with its owner, balance and operation count', () => cases.summaryAfterOperations(t));
  it('GET /accounts pages by id with limit and after', () => cases.summaryPaging(t));
  it('GET /accounts refuses bad query parameters with 400', () => cases.summaryValidation(t));
  it('GET /admin/projections shows each projection caught up', () => cases.projectionStatuses(t, 'postgres'));
  it('GET /audit finds events by words, persistenceId and time, in both orders, paged', () => cases.auditSearch(t));
  it('GET /audit refuses bad query parameters with 400', () => cases.auditValidation(t));
  it('a rebuild from the first event gives the same tables', () => cases.rebuildGivesTheSameTable(t));
});
