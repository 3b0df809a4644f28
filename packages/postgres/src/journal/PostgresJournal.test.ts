import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresJournal } from './PostgresJournal.js';

// Constructing a journal opens no connection, so these need no server.
const url = 'postgres://engram@127.0.0.1:1/none';

describe('PostgresJournal options', () => {
  it('keeps 4 writes in flight by default, never more than the pool has connections', async () => {
    const journals = [
      new PostgresJournal({ connectionString: url }),
      new PostgresJournal({ connectionString: url, poolSize: 2 }),
      new PostgresJournal({ connectionString: url, poolSize: 2, writeConcurrency: 6 }),
    ];
    const userPool = new pg.Pool({ connectionString: url, max: 3 });
    journals.push(new PostgresJournal({ pool: userPool }));
    expect(journals.map((j) => j.writeConcurrency)).toEqual([4, 2, 6, 3]);
    await Promise.all(journals.map((j) => j.close()));
    await userPool.end();
  });

  it.each([
    ['writeConcurrency', { writeConcurrency: 0 }, 'writeConcurrency must be a positive integer, got 0'],
    ['replayPageSize', { replayPageSize: 1.5 }, 'replayPageSize must be a positive integer, got 1.5'],
    ['maxPayloadBytes', { maxPayloadBytes: -1 }, 'maxPayloadBytes must be a positive integer, got -1'],
  ])('refuses a bad %s, naming it', (_, options, message) => {
    expect(() => new PostgresJournal({ connectionString: url, ...options })).toThrow(message);
  });
});
