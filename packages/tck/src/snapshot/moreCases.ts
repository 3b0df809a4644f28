import { expectErrorNamed, rejectionOf } from '../support/assertions.js';
import { awkwardIds } from '../support/ids.js';
import { EVERY_KIND_OF_UNICODE, allByteValues } from '../support/payloads.js';
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

export const snapshotPayloadAndIdCases: SnapshotGroup = {
  name: 'payloads and persistenceIds',
  cases: [
    {
      name: 'a binary snapshot with all 256 byte values loads as a Uint8Array',
      run: async (context) => {
        const pid = context.pid();
        const backing = new Uint8Array(600).fill(0xee);
        backing.set(allByteValues(), 200);
        // A view into a larger buffer: only the viewed bytes are the snapshot.
        const payload = new Uint8Array(backing.buffer, 200, 256);
        await context.store.save(metadataOf(pid, 4, snapshotTimestamp(1)), snapshotValue(payload, 'State@bin'));
        await expectLoad(context.store, pid, criteria.latest(), {
          sequenceNr: 4,
          snapshot: snapshotValue(allByteValues(), 'State@bin'),
        });
      },
    },
    {
      name: 'snapshot text with astral characters, combining marks and NUL loads unchanged, as text',
      run: async (context) => {
        const pid = context.pid();
        await context.store.save(metadataOf(pid, 1, snapshotTimestamp(1)), snapshotValue(EVERY_KIND_OF_UNICODE));
        await context.store.save(metadataOf(pid, 2, snapshotTimestamp(2)), snapshotValue('12345', ''));
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 1 }), {
          sequenceNr: 1,
          snapshot: snapshotValue(EVERY_KIND_OF_UNICODE),
        });
        await expectLoad(context.store, pid, criteria.latest(), { sequenceNr: 2, snapshot: snapshotValue('12345', '') });
      },
    },
    {
      name: 'ids with unicode, quotes, backslashes, %, _ and spaces, and a 500-character id, keep their own snapshots',
      run: async (context) => {
        const prefix = context.prefix();
        const ids = [...awkwardIds(prefix), prefix + 'q'.repeat(500 - prefix.length)];
        for (const [i, pid] of ids.entries()) {
          await context.store.save(metadataOf(pid, i + 1, snapshotTimestamp(i)), snapshotValue(`of ${pid}`));
        }
        for (const [i, pid] of ids.entries()) {
          await expectLoad(context.store, pid, criteria.latest(), {
            sequenceNr: i + 1,
            timestamp: snapshotTimestamp(i),
            snapshot: snapshotValue(`of ${pid}`),
          });
        }
        await context.store.deleteMatching(ids[0]!, criteria.latest());
        await expectLoad(context.store, ids[0]!, criteria.latest(), undefined);
        await expectLoad(context.store, ids[1]!, criteria.latest(), {
          sequenceNr: 2,
          snapshot: snapshotValue(`of ${ids[1]!}`),
        });
      },
    },
    {
      name: 'ids are matched exactly: a_1, a%1, AB1 and "ab1 " see nothing of ab1 and delete nothing of it',
      run: async (context) => {
        const prefix = context.prefix();
        const target = `${prefix}ab1`;
        await context.store.save(metadataOf(target, 5, snapshotTimestamp(1)), snapshotValue('of ab1'));
        const lookAlikes = [`${prefix}a_1`, `${prefix}a%1`, `${prefix}AB1`, `${prefix}ab1 `, `${prefix}%`];
        for (const other of lookAlikes) {
          await expectLoad(context.store, other, criteria.latest(), undefined);
          await context.store.deleteMatching(other, criteria.latest());
          await context.store.delete(metadataOf(other, 5, 0));
        }
        await expectLoad(context.store, target, criteria.latest(), { sequenceNr: 5, snapshot: snapshotValue('of ab1') });
      },
    },
    {
      name: 'saving with an empty persistenceId rejects with InvalidPersistenceId',
      run: async (context) => {
        const rejection = await rejectionOf(
          context.store.save(metadataOf('', 1, snapshotTimestamp(1)), snapshotValue('orphan')),
          'save with an empty persistenceId',
        );
        expectErrorNamed(rejection, 'InvalidPersistenceId', 'save with an empty persistenceId');
      },
    },
  ],
};

export const snapshotCriteriaCases: SnapshotGroup = {
  name: 'selection criteria and deletes',
  cases: [
    {
      name: 'criteria with Infinity bounds select and delete everything',
      run: async (context) => {
        const pid = await saveFive(context);
        await expectLoad(context.store, pid, criteria.latest(), setupSnapshot(5));
        await expectLoad(
          context.store,
          pid,
          criteria.of({ maxSequenceNr: Infinity, maxTimestamp: snapshotTimestamp(3) }),
          setupSnapshot(3),
        );
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 12, maxTimestamp: Infinity }), setupSnapshot(2));
        await context.store.deleteMatching(pid, criteria.latest());
        await expectLoad(context.store, pid, criteria.latest(), undefined);
      },
    },
    {
      name: 'minSequenceNr and minTimestamp are respected by load and deleteMatching',
      run: async (context) => {
        const { store } = context;
        const pid = await saveFive(context);
        await expectLoad(store, pid, criteria.of({ minSequenceNr: 16 }), undefined);
        await expectLoad(store, pid, criteria.of({ minSequenceNr: 12, maxSequenceNr: 13 }), setupSnapshot(3));
        await expectLoad(store, pid, criteria.of({ minSequenceNr: 13, maxSequenceNr: 12 }), undefined);
        await expectLoad(store, pid, criteria.of({ minTimestamp: snapshotTimestamp(5) + 1 }), undefined);
        await expectLoad(
          store,
          pid,
          criteria.of({ minTimestamp: snapshotTimestamp(2), maxTimestamp: snapshotTimestamp(4) }),
          setupSnapshot(4),
        );
        await store.deleteMatching(pid, criteria.of({ minSequenceNr: 12, maxSequenceNr: 14 }));
        await expectLoad(store, pid, criteria.latest(), setupSnapshot(5));
        await expectLoad(store, pid, criteria.of({ maxSequenceNr: 14 }), setupSnapshot(1));
        await store.deleteMatching(pid, criteria.of({ minTimestamp: snapshotTimestamp(5) }));
        await expectLoad(store, pid, criteria.latest(), setupSnapshot(1));
      },
    },
    {
      name: 'the youngest is the highest sequence nr, even when an older snapshot has a later timestamp',
      run: async (context) => {
        const pid = context.pid();
        await context.store.save(metadataOf(pid, 20, snapshotTimestamp(9)), snapshotValue('older, later clock'));
        await context.store.save(metadataOf(pid, 21, snapshotTimestamp(2)), snapshotValue('younger'));
        await expectLoad(context.store, pid, criteria.latest(), {
          sequenceNr: 21,
          timestamp: snapshotTimestamp(2),
          snapshot: snapshotValue('younger'),
        });
      },
    },
    {
      name: 'delete with timestamp 0 matches any timestamp; another timestamp leaves the snapshot',
      run: async (context) => {
        const pid = await saveFive(context);
        await context.store.delete(metadataOf(pid, 15, snapshotTimestamp(5) + 1));
        await expectLoad(context.store, pid, criteria.latest(), setupSnapshot(5));
        await context.store.delete(metadataOf(pid, 15, 0));
        await expectLoad(context.store, pid, criteria.latest(), setupSnapshot(4));
      },
    },
    {
      name: 'deleting a snapshot that does not exist is harmless',
      run: async (context) => {
        const pid = await saveFive(context);
        await context.store.delete(metadataOf(context.pid('never-saved'), 3, 0));
        await context.store.delete(metadataOf(pid, 99, snapshotTimestamp(1)));
        await context.store.delete(metadataOf(pid, 10, 0));
        await context.store.deleteMatching(context.pid('never-saved'), criteria.latest());
        await context.store.deleteMatching(pid, criteria.of({ minSequenceNr: 100 }));
        await expectLoad(context.store, pid, criteria.latest(), setupSnapshot(5));
        await expectLoad(context.store, pid, criteria.of({ maxSequenceNr: 11 }), setupSnapshot(1));
      },
    },
    {
      name: 'snapshots of one id are invisible to another, also one that shares its prefix',
      run: async (context) => {
        const first = await saveFive(context);
        const longer = `${first}-2`;
        await expectLoad(context.store, longer, criteria.latest(), undefined);
        await context.store.save(metadataOf(longer, 1, snapshotTimestamp(1)), snapshotValue('longer'));
        await context.store.deleteMatching(first, criteria.latest());
        await context.store.delete(metadataOf(first, 1, 0));
        await expectLoad(context.store, first, criteria.latest(), undefined);
        await expectLoad(context.store, longer, criteria.latest(), {
          sequenceNr: 1,
          snapshot: snapshotValue('longer'),
        });
      },
    },
  ],
};

export const snapshotLifecycleCases: SnapshotGroup = {
  name: 'close, durability and shared storage',
  cases: [
    {
      name: 'close() twice is harmless',
      run: async (context) => {
        const store = await context.open();
        if (store.close === undefined) return context.skip('the snapshot store has no close()');
        await store.close();
        await store.close();
      },
    },
    {
      name: 'every call after close() rejects',
      run: async (context) => {
        const store = await context.open();
        if (store.close === undefined) return context.skip('the snapshot store has no close()');
        const pid = context.pid();
        await store.save(metadataOf(pid, 1, snapshotTimestamp(1)), snapshotValue('before close'));
        await store.close();
        await rejectionOf(store.load(pid, criteria.latest()), 'load after close');
        await rejectionOf(store.save(metadataOf(pid, 2, 1), snapshotValue('x')), 'save after close');
        await rejectionOf(store.delete(metadataOf(pid, 1, 0)), 'delete after close');
        await rejectionOf(store.deleteMatching(pid, criteria.latest()), 'deleteMatching after close');
      },
    },
    {
      name: 'durable: snapshots and their deletes survive reopen',
      requires: (capabilities) => capabilities.durable,
      run: async (context) => {
        const first = await context.open();
        const pid = await saveFive(context, first);
        const binary = context.pid('binary');
        await first.save(metadataOf(binary, 7, snapshotTimestamp(7)), snapshotValue(allByteValues()));
        await first.delete(metadataOf(pid, 15, 0));
        await first.deleteMatching(pid, criteria.of({ maxSequenceNr: 12 }));
        const reopened = await context.reopen(first);
        await expectLoad(reopened, pid, criteria.latest(), setupSnapshot(4));
        await expectLoad(reopened, pid, criteria.of({ maxSequenceNr: 12 }), undefined);
        await expectLoad(reopened, pid, criteria.of({ maxSequenceNr: 13 }), setupSnapshot(3));
        await expectLoad(reopened, binary, criteria.latest(), {
          sequenceNr: 7,
          timestamp: snapshotTimestamp(7),
          snapshot: snapshotValue(allByteValues()),
        });
      },
    },
    {
      name: 'sharedStorage: a second instance loads and deletes the snapshots of the first',
      requires: (capabilities) => capabilities.sharedStorage,
      run: async (context) => {
        const first = await context.open();
        const second = await context.open();
        const pid = await saveFive(context, first);
        await expectLoad(second, pid, criteria.latest(), setupSnapshot(5));
        await second.deleteMatching(pid, criteria.of({ minSequenceNr: 14 }));
        await expectLoad(first, pid, criteria.latest(), setupSnapshot(3));
        await second.save(metadataOf(pid, 13, snapshotTimestamp(8)), snapshotValue('replaced by second'));
        await expectLoad(first, pid, criteria.latest(), {
          sequenceNr: 13,
          timestamp: snapshotTimestamp(8),
          snapshot: snapshotValue('replaced by second'),
        });
      },
    },
  ],
};

