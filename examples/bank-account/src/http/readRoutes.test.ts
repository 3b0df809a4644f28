import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestApp, tempDataDir, type TestApp } from '../testing/testApp.test-support.js';
import * as cases from '../testing/readSideCases.test-support.js';

// The read side on the default store, SQLite (FTS5 for the audit trail); the PostgreSQL test file
// runs the same cases.

const data = tempDataDir();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ DATA_DIR: data.dir });
});
afterAll(async () => {
  await t?.app.stop();
  data.remove();
});

describe('read models on SQLite', () => {
  it('GET /accounts lists every account with its owner, balance and operation count', () => cases.summaryAfterOperations(t));
  it('GET /accounts pages by id with limit and after', () => cases.summaryPaging(t));
  it('GET /accounts refuses bad query parameters with 400', () => cases.summaryValidation(t));
  it('GET /admin/projections shows each projection caught up', () => cases.projectionStatuses(t, 'sqlite'));
  it('GET /audit finds events by words, persistenceId and time, in both orders, paged', () => cases.auditSearch(t));
  it('GET /audit refuses bad query parameters with 400', () => cases.auditValidation(t));
  it('a rebuild from the first event gives the same tables', () => cases.rebuildGivesTheSameTable(t));
});
