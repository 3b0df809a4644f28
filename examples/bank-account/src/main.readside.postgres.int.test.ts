import { afterAll, afterEach, describe, it } from 'vitest';
import { dropSchema, freshSchema, postgresAvailable, postgresUrl } from './testing/postgres.test-support.js';
import { readModelsCatchUpAfterKill } from './testing/restartCase.test-support.js';

const available = await postgresAvailable('bank-account restart');
const schema = freshSchema('bank_restart');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
afterAll(async () => {
  if (available) await dropSchema(schema);
});

describe.skipIf(!available)('the read models across a kill of the process, on PostgreSQL', () => {
  it('resume from their stored offsets after SIGKILL: every operation counted exactly once', async () => {
    await readModelsCatchUpAfterKill({ ENGRAM_POSTGRES_URL: postgresUrl, ENGRAM_POSTGRES_SCHEMA: schema }, cleanups);
  });
});
