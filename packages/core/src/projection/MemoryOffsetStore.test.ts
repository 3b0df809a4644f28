import { describe, expect, it } from 'vitest';
import { InvalidArgument } from '../errors/index.js';
import { OffsetConflict } from '../spi/errors.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';

const id = { name: 'summary', key: '' };

describe('MemoryOffsetStore', () => {
  it('keeps offsets per name and key, compare-and-set from what is stored', async () => {
    const store = new MemoryOffsetStore();
    expect(await store.readProjection(id)).toEqual({ offset: undefined, paused: false });
    await store.saveOffset(id, undefined, 'memory:1');
    await store.saveOffset({ name: 'summary', key: 'eu' }, undefined, 'memory:7');
    await store.saveOffset(id, 'memory:1', 'memory:2');
    expect(await store.readProjection(id)).toEqual({ offset: 'memory:2', paused: false });
    expect(await store.readProjection({ name: 'summary', key: 'eu' })).toEqual({ offset: 'memory:7', paused: false });

    const conflict = store.saveOffset(id, 'memory:1', 'memory:3');
    await expect(conflict).rejects.toThrow(OffsetConflict);
    await expect(store.saveOffset(id, undefined, 'memory:3')).rejects.toThrow('expected its stored offset to be none but found memory:2');
    await store.saveOffset(id, 'memory:2', undefined);
    expect((await store.readProjection(id)).offset).toBeUndefined();
  });

  it('keeps the paused flag apart from the offset', async () => {
    const store = new MemoryOffsetStore();
    await store.savePaused(id, true);
    await store.saveOffset(id, undefined, 'memory:4');
    expect(await store.readProjection(id)).toEqual({ offset: 'memory:4', paused: true });
    await store.savePaused(id, false);
    expect(await store.readProjection(id)).toEqual({ offset: 'memory:4', paused: false });
  });

  it('inTransaction checks the compare-and-set before the work runs, and stores the offset after it', async () => {
    const store = new MemoryOffsetStore();
    const ran: string[] = [];
    expect(await store.inTransaction(id, undefined, 'memory:1', () => (ran.push('first'), 42))).toBe(42);
    await expect(store.inTransaction(id, undefined, 'memory:2', () => void ran.push('stale'))).rejects.toThrow(OffsetConflict);
    expect(ran).toEqual(['first']);
    await expect(store.inTransaction(id, 'memory:1', 'memory:2', () => Promise.reject(new Error('handler failed')))).rejects.toThrow('handler failed');
    expect((await store.readProjection(id)).offset).toBe('memory:1');
  });

  it('runs the transactions of one projection one at a time, so two instances cannot both apply', async () => {
    const store = new MemoryOffsetStore();
    const applied: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = store.inTransaction(id, undefined, 'memory:1', async () => {
      await gate;
      applied.push('a');
    });
    const b = store.inTransaction(id, undefined, 'memory:1', () => void applied.push('b'));
    const save = store.saveOffset(id, undefined, 'memory:9');
    release();
    await a;
    await expect(b).rejects.toThrow(OffsetConflict);
    await expect(save).rejects.toThrow(OffsetConflict);
    expect(applied).toEqual(['a']);
  });

  it('refuses a projection id without a name, naming what was wrong', async () => {
    const store = new MemoryOffsetStore();
    await expect(store.readProjection({ name: '', key: '' })).rejects.toThrow(InvalidArgument);
    await expect(store.inTransaction({ name: 'x', key: 1 as unknown as string }, undefined, 'memory:1', () => {})).rejects.toThrow(/projection key must be a string/);
  });
});
