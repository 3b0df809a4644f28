import { describe, expect, it } from 'vitest';
import { deepFreeze, isFrozenWriteError } from './deepFreeze.js';

describe('deepFreeze', () => {
  it('freezes plain objects and arrays all the way down, and returns the value', () => {
    const state = { items: [{ sku: 'a', tags: ['x'] }], meta: Object.assign(Object.create(null) as object, { n: 1 }) };
    expect(deepFreeze(state)).toBe(state);
    for (const part of [state, state.items, state.items[0], state.items[0]!.tags, state.meta]) expect(Object.isFrozen(part)).toBe(true);
    expect(() => state.items.push({ sku: 'b', tags: [] })).toThrow(TypeError);
  });

  it('locks Maps and Sets, whose entries Object.freeze does not reach, and freezes what they hold', () => {
    const state = { byId: new Map([['a', { n: 1 }]]), seen: new Set([{ id: 'x' }]) };
    deepFreeze(state);
    expect(() => state.byId.set('b', { n: 2 })).toThrow('Cannot set on a frozen Map');
    expect(() => state.byId.delete('a')).toThrow('Cannot delete on a frozen Map');
    expect(() => state.seen.add({ id: 'y' })).toThrow('Cannot add on a frozen Set');
    expect(() => state.seen.clear()).toThrow('Cannot clear on a frozen Set');
    expect(Object.isFrozen(state.byId.get('a'))).toBe(true);
    expect(state.byId.get('a')).toEqual({ n: 1 });
    expect(Object.keys(state.byId)).toEqual([]);
  });

  it('leaves class instances, Dates and typed arrays alone: they are not plain data', () => {
    class Account {
      balance = 0;
    }
    const state = { account: new Account(), at: new Date(0), bytes: new Uint8Array([1]) };
    deepFreeze(state);
    expect(Object.isFrozen(state)).toBe(true);
    state.account.balance = 1;
    state.bytes[0] = 2;
    expect([state.account.balance, state.bytes[0], Object.isFrozen(state.at)]).toEqual([1, 2, false]);
  });

  it('stops at an object already frozen: structure shared with an earlier state is not walked again', () => {
    const shared = Object.freeze({ inner: { n: 1 } });
    const state = { shared, fresh: { n: 2 } };
    deepFreeze(state);
    expect(Object.isFrozen(state.fresh)).toBe(true);
    // Taken as deeply frozen: its (unfrozen) inner object is not entered.
    expect(Object.isFrozen(shared.inner)).toBe(false);
  });

  it('handles cycles and primitives', () => {
    const a: Record<string, unknown> = {};
    a['self'] = [a];
    expect(deepFreeze(a)).toBe(a);
    expect(Object.isFrozen(a['self'])).toBe(true);
    expect(deepFreeze(3)).toBe(3);
    expect(deepFreeze(null)).toBe(null);
  });

  it('tells writes to frozen objects from other TypeErrors', () => {
    const frozen = deepFreeze({ items: [1], m: new Map() });
    const errorOf = (write: () => unknown) => {
      try {
        write();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(isFrozenWriteError(errorOf(() => frozen.items.push(2)))).toBe(true);
    expect(isFrozenWriteError(errorOf(() => ((frozen as { items: unknown }).items = [])))).toBe(true);
    expect(isFrozenWriteError(errorOf(() => delete (frozen as { items?: unknown }).items))).toBe(true);
    expect(isFrozenWriteError(errorOf(() => frozen.m.set(1, 1)))).toBe(true);
    expect(isFrozenWriteError(errorOf(() => (undefined as unknown as { x: number }).x))).toBe(false);
    expect(isFrozenWriteError(new Error('read only property'))).toBe(false);
  });
});
