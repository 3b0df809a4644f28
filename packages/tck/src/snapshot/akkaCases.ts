import type { SnapshotGroup } from './SnapshotCase.js';
import {
  criteria,
  expectLoad,
  metadataOf,
  saveFive,
  setupSnapshot,
  snapshotTimestamp,
  snapshotValue,
} from './fixtures.js';

/** The snapshot-store cases of Akka's and Akka.NET's TCKs (TCK.md, snapshot store 1-12). */
export const akkaSnapshotCases: SnapshotGroup = {
  name: 'Akka TCK cases',
  cases: [
    {
      name: '1. an unknown persistenceId loads nothing',
      run: async (context) => {
        await expectLoad(context.store, context.pid('never-saved'), criteria.latest(), undefined);
      },
    },
    {
      name: '2. a maxTimestamp older than every snapshot loads nothing',
      run: async (context) => {
        const pid = await saveFive(context);
        await expectLoad(context.store, pid, criteria.of({ maxTimestamp: snapshotTimestamp(1) - 1 }), undefined);
      },
    },
    {
      name: '3. a maxSequenceNr below every snapshot (7) loads nothing',
      run: async (context) => {
        const pid = await saveFive(context);
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 7 }), undefined);
      },
    },
    {
      name: '4. latest loads seq 15, "s-5"',
      run: async (context) => {
        const pid = await saveFive(context);
        await expectLoad(context.store, pid, criteria.latest(), setupSnapshot(5));
      },
    },
    {
      name: '5. maxSequenceNr 13 loads "s-3", also as latest bounded by toSequenceNr 13',
      run: async (context) => {
        const pid = await saveFive(context);
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 13 }), setupSnapshot(3));
        const latest = criteria.latest();
        const bounded = { ...latest, maxSequenceNr: Math.min(latest.maxSequenceNr, 13) };
        await expectLoad(context.store, pid, bounded, setupSnapshot(3));
      },
    },
    {
      name: '6. maxSequenceNr 13 with the maxTimestamp of "s-3" loads "s-3"',
      run: async (context) => {
        const pid = await saveFive(context);
        const c = criteria.of({ maxSequenceNr: 13, maxTimestamp: snapshotTimestamp(3) });
        await expectLoad(context.store, pid, c, setupSnapshot(3));
      },
    },
    {
      name: '7. deleting exactly seq 13 makes "s-2" the latest at or below 13',
      run: async (context) => {
        const pid = await saveFive(context);
        await context.store.delete(metadataOf(pid, 13, snapshotTimestamp(3)));
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 13 }), setupSnapshot(2));
        await expectLoad(context.store, pid, criteria.latest(), setupSnapshot(5));
      },
    },
    {
      name: '8. deleteMatching(maxSequenceNr 13, maxTimestamp of "s-3") leaves nothing at or below 13; "s-4" stays',
      run: async (context) => {
        const pid = await saveFive(context);
        await context.store.deleteMatching(pid, criteria.of({ maxSequenceNr: 13, maxTimestamp: snapshotTimestamp(3) }));
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 13 }), undefined);
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 14 }), setupSnapshot(4));
      },
    },
    {
      name: '9. deleteMatching with a maxTimestamp just below that of "s-4" leaves "s-4" in place',
      run: async (context) => {
        const pid = await saveFive(context);
        await context.store.deleteMatching(
          pid,
          criteria.of({ maxSequenceNr: 14, maxTimestamp: snapshotTimestamp(4) - 1 }),
        );
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 14 }), setupSnapshot(4));
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 13 }), undefined);
      },
    },
    {
      name: '10. saving seq 15 again with another payload replaces it',
      run: async (context) => {
        const pid = await saveFive(context);
        const timestamp = snapshotTimestamp(6);
        await context.store.save(metadataOf(pid, 15, timestamp), snapshotValue('s-5 again', 'Other@v2'));
        await expectLoad(context.store, pid, criteria.latest(), {
          sequenceNr: 15,
          timestamp,
          snapshot: snapshotValue('s-5 again', 'Other@v2'),
        });
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 14 }), setupSnapshot(4));
      },
    },
    {
      name: '11. a 10,000-byte snapshot saves and loads',
      run: async (context) => {
        const pid = context.pid();
        const payload = 'abcdefghij'.repeat(1000);
        await context.store.save(metadataOf(pid, 1, snapshotTimestamp(1)), snapshotValue(payload));
        await expectLoad(context.store, pid, criteria.latest(), { sequenceNr: 1, snapshot: snapshotValue(payload) });
      },
    },
    {
      name: '12. rapid saves at seq 1, 2, 3, 3: the last one wins',
      run: async (context) => {
        const pid = context.pid();
        const saves: [number, string][] = [
          [1, 'first'],
          [2, 'second'],
          [3, 'third'],
          [3, 'third, again'],
        ];
        for (const [seq, payload] of saves) {
          await context.store.save(metadataOf(pid, seq, snapshotTimestamp(1)), snapshotValue(payload));
        }
        await expectLoad(context.store, pid, criteria.latest(), { sequenceNr: 3, snapshot: snapshotValue('third, again') });
      },
    },
  ],
};
