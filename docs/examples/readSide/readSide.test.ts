import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryEvents } from './queryEvents.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-docs-read-side-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the read-side guide (docs/query.md) runs as written', () => {
  it('queryEvents: current, live and standalone queries', async () => {
    expect(await queryEvents(join(dir, 'query.db'))).toEqual([
      'Cart|alice #1 ItemAdded',
      'Cart|alice #2 ItemAdded',
      'live: CheckedOut',
      'standalone: #3 CheckedOut',
    ]);
  });
});

describe('the projections guide (docs/projections.md) runs as written', () => {
  it('cartSummary: an exactly-once projection into a SQLite table', async () => {
    const { cartSummary } = await import('./cartSummary.js');
    expect(await cartSummary(join(dir, 'summary.db'))).toEqual([
      { cart: 'Cart|alice', items: 2 },
      { cart: 'Cart|bob', items: 1 },
    ]);
  });
});

describe('the publisher of docs/projections.md', () => {
  it('publishes each event once per id, and again only what came after the stored offset', async () => {
    const { publishCarts } = await import('./publisher.js');
    const documents = new Map<string, object>();
    let writes = 0;
    const index = { upsert: async (id: string, document: object) => void (writes++, documents.set(id, document)) };
    const path = join(dir, 'publisher.db');
    await publishCarts(path, index);
    expect([...documents.keys()]).toEqual(['Cart|alice:1', 'Cart|alice:2']);
    expect(documents.get('Cart|alice:2')).toEqual({ cart: 'Cart|alice', type: 'CheckedOut' });
    // A second run (two more events) resumes from the stored offset: only the new events are published.
    writes = 0;
    await publishCarts(path, index);
    expect(writes).toBe(2);
    expect([...documents.keys()]).toEqual(['Cart|alice:1', 'Cart|alice:2', 'Cart|alice:3', 'Cart|alice:4']);
  });
});
