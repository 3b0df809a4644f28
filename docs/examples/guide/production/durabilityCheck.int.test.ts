import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresUnreachable, postgresUrl } from '../postgres/postgresForTests.test-support.js';
import { durabilityWarnings } from './durabilityCheck.js';

const url = postgresUrl;
const unreachable = await postgresUnreachable('docs guide: durability');

describe.skipIf(unreachable !== undefined)('durabilityWarnings (docs/guide/09-production-checklist.md)', () => {
  it('says nothing on a server with the default settings', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      expect(await durabilityWarnings(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('warns when the connections commit without waiting for the disk', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1, options: '-c synchronous_commit=off' });
    try {
      expect(await durabilityWarnings(pool)).toEqual(['synchronous_commit is off: a server crash can lose acknowledged events']);
    } finally {
      await pool.end();
    }
  });
});
