/**
 * One writing process of the gap-torture test (`gapTorture.int.test.ts`), run by `node` on the
 * TypeScript sources:
 *
 *   tortureChild <url> <schema> <child> <rounds> <seed>
 *
 * Four workers, each writing its own three persistenceIds (so one write per id at a time, as the
 * engine guarantees), `rounds` writes each of one to three events, half of them tagged `torture`:
 * some through `PostgresJournal.writeMessages`, some through the torture writer holding its
 * transaction open up to 60 ms before it commits, and some rolled back. Every event's payload
 * carries a token `<child>.<worker>.<round>` and its index. Prints one line per write once it
 * settled: `committed <token> <pid> <first seq> <count> <tagged 0|1>` or `rolledback <token>`, then
 * `done`; on any failure `error <message>` and exits with 1. Deterministic per seed, bar timing.
 */
import type { AtomicWrite } from '@engram/core/spi';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { tortureWriter } from '../testing/tortureWriter.test-support.js';

const [url, schema, child, roundsText, seedText] = process.argv.slice(2) as [string, string, string, string, string];
const rounds = Number(roundsText);

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(Number(seedText));
const below = (n: number): number => Math.floor(random() * n);
const journal = new PostgresJournal({ connectionString: url, schema, poolSize: 4 });
const torture = await tortureWriter(journal);

async function worker(w: number): Promise<void> {
  const highest = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    const pid = `T${child}-${w}-${below(3)}`;
    const first = (highest.get(pid) ?? 0) + 1;
    const count = 1 + below(3);
    const token = `${child}.${w}.${round}`;
    const tagged = random() < 0.5;
    const write: AtomicWrite = {
      persistenceId: pid,
      events: Array.from({ length: count }, (_, i) => ({
        persistenceId: pid,
        sequenceNr: first + i,
        serializerId: 1,
        manifest: 'Tortured',
        payload: JSON.stringify({ token, i }),
        writerUuid: `writer-${child}`,
        timestamp: 1_700_000_000_000 + round,
        tags: tagged ? ['torture'] : [],
      })),
    };
    const mode = random();
    const holdMs = below(60);
    if (mode < 0.2) {
      await torture.write([write], { holdMs, rollback: true });
      console.log(`rolledback ${token}`);
    } else {
      if (mode < 0.6) {
        await torture.write([write], { holdMs, rollback: false });
      } else {
        const [result] = await journal.writeMessages([write]);
        if (result !== undefined) throw result;
      }
      highest.set(pid, first + count - 1);
      console.log(`committed ${token} ${pid} ${first} ${count} ${tagged ? 1 : 0}`);
    }
    if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, below(15)));
  }
}

try {
  await Promise.all([0, 1, 2, 3].map(worker));
  await torture.close();
  await journal.close();
  console.log('done');
} catch (error) {
  console.log(`error ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.replace(/\s+/g, ' '));
  process.exit(1);
}
