import { SequenceConflict, type Journal, type PersistentRepr } from '@engram/core/spi';
import {
  liveHighest,
  limitMutant,
  likeMatching,
  mapIds,
  mapReplayed,
  mapText,
  mapWritten,
  override,
  recoverWith,
  replayWith,
  utf8,
  wrapped,
  type JournalMutant,
} from './journalMutantKit.test-support.js';
import { JournalHandle, MemoryJournal } from './MemoryHandles.test-support.js';

export { correctJournal, type JournalMutant, type JournalSetup } from './journalMutantKit.test-support.js';

/** Replays with the range and limit changed by `change`. */
function replayArgs(change: (from: number, to: number, max: number) => [number, number, number]) {
  return replayWith((j) => (pid, from, to, max, onEvent) => j.replayMessages(pid, ...change(from, to, max), onEvent));
}

export const journalMutants: readonly JournalMutant[] = [
  // replay
  wrapped('replay ignores max', replayArgs((f, t) => [f, t, Infinity])),
  wrapped('replay ignores to', replayArgs((f, _t, m) => [f, Infinity, m])),
  wrapped('replay treats from as exclusive', replayArgs((f, t, m) => [f + 1, t, m])),
  wrapped('replay delivers one more than max', replayArgs((f, t, m) => [f, t, m + 1])),
  wrapped('replay stops after 1000 events', replayArgs((f, t, m) => [f, t, Math.min(m, 1000)])),
  wrapped('replay with from above to runs to the end', replayArgs((f, t, m) => [f, f > t ? Infinity : t, m])),
  wrapped(
    'replay delivers newest first',
    replayWith((j) => async (p, f, t, m, cb) => {
      const events: PersistentRepr[] = [];
      await j.replayMessages(p, f, t, m, (e) => events.push(e));
      events.reverse().forEach(cb);
    }),
  ),
  wrapped(
    'replay swallows onEvent exceptions',
    replayWith((j) => (p, f, t, m, cb) =>
      j.replayMessages(p, f, t, m, (e) => {
        try {
          cb(e);
        } catch {
          // the bug: the caller never hears of it
        }
      }),
    ),
  ),
  wrapped(
    'replay goes on delivering after onEvent throws',
    replayWith((j) => async (p, f, t, m, cb) => {
      let first: unknown;
      await j.replayMessages(p, f, t, m, (e) => {
        try {
          cb(e);
        } catch (error) {
          first ??= error;
        }
      });
      if (first !== undefined) throw first;
    }),
  ),
  wrapped('replaying an unknown id rejects', (j) =>
    override(j, {
      replayMessages: async (p, f, t, m, cb) => {
        if ((await j.readHighestSequenceNr(p, 0)) === 0) throw new Error(`no stream ${p}`);
        return j.replayMessages(p, f, t, m, cb);
      },
    }),
  ),
  // highest sequence nr
  wrapped('highest of an unknown id is null (SQL MAX of no rows)', (j) =>
    override(j, {
      readHighestSequenceNr: async (p, f) => {
        const highest = await j.readHighestSequenceNr(p, f);
        return highest === 0 ? (null as never) : highest;
      },
    }),
  ),
  wrapped('highest is always 0', (j) => override(j, { readHighestSequenceNr: async () => 0 })),
  wrapped('highest counts live events only', (j) => override(j, { readHighestSequenceNr: (p) => liveHighest(j, p) })),
  wrapped('highest is cached at the first read', (j) => {
    const cache = new Map<string, number>();
    return override(j, {
      readHighestSequenceNr: async (p, f) => {
        if (!cache.has(p)) cache.set(p, await j.readHighestSequenceNr(p, f));
        return cache.get(p)!;
      },
    });
  }),
  // deletes
  wrapped('delete is exclusive of to', (j) => override(j, { deleteMessagesTo: (p, t) => j.deleteMessagesTo(p, t - 1) })),
  wrapped('delete deletes one more', (j) => override(j, { deleteMessagesTo: (p, t) => j.deleteMessagesTo(p, t + 1) })),
  wrapped('delete to Infinity deletes nothing', (j) =>
    override(j, { deleteMessagesTo: async (p, t) => (Number.isFinite(t) ? j.deleteMessagesTo(p, t) : undefined) }),
  ),
  wrapped('delete to 0 deletes everything', (j) =>
    override(j, { deleteMessagesTo: (p, t) => j.deleteMessagesTo(p, t === 0 ? Infinity : t) }),
  ),
  wrapped('a lower delete restores deleted events', (j) => {
    const deletedTo = new Map<string, number>();
    return override(j, {
      deleteMessagesTo: async (p, t) => void deletedTo.set(p, t),
      replayMessages: (p, f, t, m, cb) => j.replayMessages(p, Math.max(f, (deletedTo.get(p) ?? 0) + 1), t, m, cb),
    });
  }),
  wrapped('deleting an unknown id records the bound as its highest', (j) => {
    const recorded = new Map<string, number>();
    return override(j, {
      deleteMessagesTo: async (p, t) => {
        if ((await j.readHighestSequenceNr(p, 0)) === 0) recorded.set(p, t);
        return j.deleteMessagesTo(p, t);
      },
      readHighestSequenceNr: async (p, f) => Math.max(await j.readHighestSequenceNr(p, f), recorded.get(p) ?? 0),
    });
  }),
  wrapped('delete also deletes ids that start with the id', (j) => {
    const known = new Set<string>();
    return override(j, {
      writeMessages: async (writes) => {
        for (const w of writes) known.add(w.persistenceId);
        return j.writeMessages(writes);
      },
      deleteMessagesTo: async (p, t) => {
        for (const other of known) if (other.startsWith(p)) await j.deleteMessagesTo(other, t);
      },
    });
  }),
  deletedSequenceNrsReusable(),
  ...writeMutants(),
  ...fieldAndIdMutants(),
  ...lifecycleMutants(),
  ...recoveryMutants(),
];

/**
 * A store whose only guard against a second writer is the unique key of its live rows: once
 * events are deleted, a stale writer can store their sequence nrs again. Its instances share the
 * re-stored events, as processes share a database.
 */
function deletedSequenceNrsReusable(): JournalMutant {
  return {
    name: 'deleted sequence nrs can be written again',
    setup: (max) => {
      const storage = new MemoryJournal({ maxPayloadBytes: max });
      const restored = new Map<string, PersistentRepr[]>();
      const wrap = (j: Journal): Journal => {
        const all = async (pid: string): Promise<PersistentRepr[]> => {
          const events: PersistentRepr[] = [...(restored.get(pid) ?? [])];
          await j.replayMessages(pid, 1, Infinity, Infinity, (e) => events.push(e));
          return events.sort((a, b) => a.sequenceNr - b.sequenceNr);
        };
        return override(j, {
          writeMessages: async (writes) => {
            const results = [...(await j.writeMessages(writes))];
            for (const [i, result] of results.entries()) {
              const write = writes[i]!;
              if (result?.name !== 'SequenceConflict') continue;
              const live = new Set((await all(write.persistenceId)).map((e) => e.sequenceNr));
              if (write.events.some((e) => live.has(e.sequenceNr))) continue;
              restored.set(write.persistenceId, [...(restored.get(write.persistenceId) ?? []), ...write.events]);
              results[i] = undefined;
            }
            return results;
          },
          replayMessages: async (pid, from, to, maxEvents, onEvent) => {
            const inRange = (await all(pid)).filter((e) => e.sequenceNr >= from && e.sequenceNr <= to);
            inRange.slice(0, maxEvents).forEach(onEvent);
          },
          deleteMessagesTo: async (pid, to) => {
            await j.deleteMessagesTo(pid, to);
            restored.set(pid, (restored.get(pid) ?? []).filter((e) => e.sequenceNr > to));
          },
        });
      };
      return { create: async () => wrap(new JournalHandle(storage)), reopen: async () => wrap(new JournalHandle(storage)) };
    },
  };
}

function writeMutants(): JournalMutant[] {
  const rejection = (r: Error | undefined) => r !== undefined && r.name !== 'SequenceConflict';
  return [
    limitMutant('no payload limit', () => false),
    limitMutant('payload limit off by one', (p, max) => (typeof p === 'string' ? utf8(p) : p.byteLength) >= max),
    limitMutant('payload limit counts UTF-16 units', (p, max) => (typeof p === 'string' ? p.length : p.byteLength) > max),
    limitMutant('payload limit checks text only', (p, max) => typeof p === 'string' && utf8(p) > max),
    wrapped('a rejected write fails the whole call', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results = await j.writeMessages(writes);
          const failed = results.find(rejection);
          if (failed !== undefined) throw failed;
          return results;
        },
      }),
    ),
    wrapped('a rejected write rejects every write of its call', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results = await j.writeMessages(writes);
          const failed = results.find(rejection);
          return failed === undefined ? results : results.map(() => failed);
        },
      }),
    ),
    wrapped('an atomic write is stored event by event', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results: (Error | undefined)[] = [];
          for (const w of writes) {
            let outcome: Error | undefined;
            for (const e of w.events) {
              outcome ??= (await j.writeMessages([{ persistenceId: w.persistenceId, events: [e] }]))[0];
            }
            results.push(outcome);
          }
          return results;
        },
      }),
    ),
    wrapped('an empty persistenceId is acknowledged', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results = await j.writeMessages(writes);
          return results.map((r, i) => (writes[i]!.persistenceId === '' ? undefined : r));
        },
      }),
    ),
    wrapped('a conflict is acknowledged', (j) =>
      override(j, {
        writeMessages: async (writes) => (await j.writeMessages(writes)).map((r) => (r?.name === 'SequenceConflict' ? undefined : r)),
      }),
    ),
    wrapped('a conflicting write keeps its new events', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results = await j.writeMessages(writes);
          for (const [i, r] of results.entries()) {
            if (r?.name !== 'SequenceConflict') continue;
            const w = writes[i]!;
            const highest = await j.readHighestSequenceNr(w.persistenceId, 0);
            const fresh = w.events.filter((e) => e.sequenceNr > highest);
            if (fresh.length > 0) await j.writeMessages([{ persistenceId: w.persistenceId, events: fresh }]);
          }
          return results;
        },
      }),
    ),
    wrapped('a conflict fails the whole call', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results = await j.writeMessages(writes);
          const conflict = results.find((r) => r?.name === 'SequenceConflict');
          if (conflict !== undefined) throw conflict;
          return results;
        },
      }),
    ),
    wrapped('a second AtomicWrite for an id in one call is dropped', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const seen = new Set<string>();
          const keep = writes.map((w) => !seen.has(w.persistenceId) && seen.add(w.persistenceId) !== undefined);
          const stored = await j.writeMessages(writes.filter((_, i) => keep[i]));
          let next = 0;
          return keep.map((k) => (k ? stored[next++] : undefined));
        },
      }),
    ),
    wrapped('a write that does not start at highest + 1 conflicts (gaps refused)', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results: (Error | undefined)[] = [];
          for (const w of writes) {
            const first = w.events[0]?.sequenceNr;
            const highest = await j.readHighestSequenceNr(w.persistenceId, 0);
            const gap = first !== undefined && first > highest + 1;
            results.push(gap ? new SequenceConflict(w.persistenceId, first) : (await j.writeMessages([w]))[0]);
          }
          return results;
        },
      }),
    ),
    wrapped('after a conflict, a later write of the id in the call is stored', (j) =>
      override(j, {
        writeMessages: async (writes) => {
          const results: (Error | undefined)[] = [];
          for (const w of writes) results.push((await j.writeMessages([w]))[0]);
          return results;
        },
      }),
    ),
    wrapped('the writes of a call are stored in reverse order', (j) =>
      override(j, { writeMessages: async (writes) => [...(await j.writeMessages([...writes].reverse()))].reverse() }),
    ),
  ];
}

function fieldAndIdMutants(): JournalMutant[] {
  return [
    wrapped('metadata is dropped', mapReplayed(({ metadata: _dropped, ...e }) => e)),
    wrapped('tags come back sorted', mapReplayed((e) => ({ ...e, tags: [...e.tags].sort() }))),
    wrapped('timestamps keep whole seconds only', mapReplayed((e) => ({ ...e, timestamp: Math.floor(e.timestamp / 1000) * 1000 }))),
    wrapped('writerUuid is not stored', mapReplayed((e) => ({ ...e, writerUuid: '' }))),
    wrapped('serializerId is not stored', mapReplayed((e) => ({ ...e, serializerId: 1 }))),
    wrapped('manifest is not stored', mapReplayed((e) => ({ ...e, manifest: '' }))),
    wrapped(
      'bytes come back as latin1 text',
      mapReplayed((e) => (typeof e.payload === 'string' ? e : { ...e, payload: String.fromCharCode(...e.payload) })),
    ),
    wrapped(
      'bytes are stored with their whole backing buffer',
      mapWritten((e) => (typeof e.payload === 'string' ? e : { ...e, payload: new Uint8Array(e.payload.buffer) })),
    ),
    wrapped(
      'numeric text comes back as a number',
      mapReplayed((e) => (typeof e.payload === 'string' && /^\d+$/.test(e.payload) ? { ...e, payload: Number(e.payload) as never } : e)),
    ),
    wrapped('NUL characters are stripped', mapWritten(mapText((t) => t.replaceAll('\u0000', '')))),
    wrapped('text is normalized to NFC', mapWritten(mapText((t) => t.normalize('NFC')))),
    wrapped('astral characters are replaced', mapWritten(mapText((t) => t.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '\uFFFD')))),
    wrapped('text is truncated at 65535 characters', mapWritten(mapText((t) => t.slice(0, 65535)))),
    wrapped('ids are matched with LIKE', likeMatching),
    wrapped('ids are compared case-insensitively', mapIds((p) => p.toLowerCase())),
    wrapped('trailing spaces of ids are trimmed', mapIds((p) => p.trimEnd())),
    wrapped('ids are truncated to 255 characters', mapIds((p) => p.slice(0, 255))),
    wrapped('ids are normalized to NFC', mapIds((p) => p.normalize('NFC'))),
    wrapped('doubled backslashes in ids are collapsed', mapIds((p) => p.replaceAll('\\\\', '\\'))),
    wrapped('a quote in an id breaks the call', (j) => {
      const check = (p: string) => {
        if (p.includes("'")) throw new Error(`syntax error at or near "${p}"`);
      };
      return override(j, {
        writeMessages: async (writes) => {
          writes.forEach((w) => check(w.persistenceId));
          return j.writeMessages(writes);
        },
        replayMessages: async (p, f, t, m, cb) => {
          check(p);
          return j.replayMessages(p, f, t, m, cb);
        },
      });
    }),
  ];
}

function lifecycleMutants(): JournalMutant[] {
  return [
    wrapped('a second close() throws', (j) => {
      let closed = false;
      return override(j, {
        close: async () => {
          if (closed) throw new Error('already closed');
          closed = true;
          await j.close?.();
        },
      });
    }),
    wrapped('close() does nothing', (j) => override(j, { close: async () => {} })),
    {
      name: 'reopen loses everything',
      setup: (max) => {
        const storage = new MemoryJournal({ maxPayloadBytes: max });
        return {
          create: async () => new JournalHandle(storage),
          reopen: async () => new JournalHandle(new MemoryJournal({ maxPayloadBytes: max })),
        };
      },
    },
    {
      name: 'reopen recomputes the highest from live events',
      setup: (max) => {
        const storage = new MemoryJournal({ maxPayloadBytes: max });
        return {
          create: async () => new JournalHandle(storage),
          reopen: async () => {
            const j = new JournalHandle(storage);
            return override(j, { readHighestSequenceNr: (p) => liveHighest(j, p) });
          },
        };
      },
    },
    {
      name: 'reopen loses metadata',
      setup: (max) => {
        const storage = new MemoryJournal({ maxPayloadBytes: max });
        return {
          create: async () => new JournalHandle(storage),
          reopen: async () => mapReplayed(({ metadata: _lost, ...e }) => e)(new JournalHandle(storage)),
        };
      },
    },
    {
      name: 'instances do not share storage',
      setup: (max) => ({
        create: async () => new JournalHandle(new MemoryJournal({ maxPayloadBytes: max })),
        reopen: async (old) => new JournalHandle((old as JournalHandle).storage),
      }),
    },
  ];
}

/** Broken `replayForRecovery`s over correct storage: the two calls stay correct. */
function recoveryMutants(): JournalMutant[] {
  const PAGE = 2_000;
  return [
    wrapped('recovery ignores max', recoverWith((_j, r) => (p, f, t, _m, cb) => r(p, f, t, Infinity, cb))),
    wrapped('recovery ignores to', recoverWith((_j, r) => (p, f, _t, m, cb) => r(p, f, Infinity, m, cb))),
    wrapped('recovery treats from as exclusive', recoverWith((_j, r) => (p, f, t, m, cb) => r(p, f + 1, t, m, cb))),
    wrapped('recovery with max 0 replays everything', recoverWith((_j, r) => (p, f, t, m, cb) => r(p, f, t, m === 0 ? Infinity : m, cb))),
    wrapped('recovery with max 0 gives highest 0', recoverWith((_j, r) => async (p, f, t, m, cb) => (m === 0 ? 0 : r(p, f, t, m, cb)))),
    wrapped(
      'recovery gives the highest of the live events',
      recoverWith((j, r) => async (p, f, t, m, cb) => {
        await r(p, f, t, m, cb);
        return liveHighest(j, p);
      }),
    ),
    wrapped(
      'recovery of an unknown id gives null',
      recoverWith((_j, r) => async (p, f, t, m, cb) => {
        const highest = await r(p, f, t, m, cb);
        return highest === 0 ? (null as never) : highest;
      }),
    ),
    wrapped(
      'recovery swallows onEvent exceptions',
      recoverWith((_j, r) => (p, f, t, m, cb) =>
        r(p, f, t, m, (e) => {
          try {
            cb(e);
          } catch {
            // the bug: the caller never hears of it
          }
        }),
      ),
    ),
    wrapped(
      'recovery goes on delivering after onEvent throws',
      recoverWith((_j, r) => async (p, f, t, m, cb) => {
        let first: unknown;
        const highest = await r(p, f, t, m, (e) => {
          try {
            cb(e);
          } catch (error) {
            first ??= error;
          }
        });
        if (first !== undefined) throw first;
        return highest;
      }),
    ),
    wrapped('recovery stops after the first page', recoverWith((_j, r) => (p, f, t, m, cb) => r(p, f, t, Math.min(m, PAGE), cb))),
    wrapped(
      'recovery repeats the last event of a full page',
      recoverWith((_j, r) => (p, f, t, m, cb) => {
        let n = 0;
        return r(p, f, t, m, (e) => {
          cb(e);
          if (++n % PAGE === 0) cb(e);
        });
      }),
    ),
    wrapped(
      'recovery skips the first event after a full page',
      recoverWith((_j, r) => (p, f, t, m, cb) => {
        let n = 0;
        return r(p, f, t, m, (e) => {
          if (n++ !== PAGE) cb(e);
        });
      }),
    ),
  ];
}
