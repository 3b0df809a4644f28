import { describe, expect, it } from 'vitest';
import { EventAdapters } from './EventAdapter.js';

type Evt = { type: 'Deposited'; amount: number; currency: string } | { type: 'Withdrawn'; amount: number } | { type: 'Noted' };

const adapter = EventAdapters.versioned<Evt>({
  Deposited: {
    version: 3,
    upcast: {
      1: (v1: { value: number }) => ({ type: 'Deposited', amount: v1.value, currency: 'EUR' }),
      2: (v2: { amount: number }) => ({ type: 'Deposited', amount: v2.amount, currency: 'EUR' }),
    },
  },
  Withdrawn: {},
  Noted: { version: 2, upcast: { 1: () => [] } },
});

describe('EventAdapters.versioned', () => {
  it('writes the type and, from version 2 on, the version into the manifest', () => {
    expect(adapter.manifest({ type: 'Withdrawn', amount: 1 })).toBe('Withdrawn');
    expect(adapter.manifest({ type: 'Deposited', amount: 1, currency: 'EUR' })).toBe('Deposited@3');
  });

  it('upcasts older versions to today, drops, and passes current events through', () => {
    expect(adapter.fromJournal({ type: 'Deposited', value: 5 } as never, 'Deposited')).toEqual([
      { type: 'Deposited', amount: 5, currency: 'EUR' },
    ]);
    expect(adapter.fromJournal({ type: 'Deposited', amount: 6 } as never, 'Deposited@2')).toEqual([
      { type: 'Deposited', amount: 6, currency: 'EUR' },
    ]);
    expect(adapter.fromJournal({ type: 'Noted' } as never, 'Noted')).toEqual([]);
    const current = { type: 'Deposited', amount: 7, currency: 'USD' } as const;
    expect(adapter.fromJournal(current, 'Deposited@3')).toEqual([current]);
  });

  it('refuses unknown types, newer versions and missing upcasters with UnknownManifest', () => {
    expect(() => adapter.fromJournal({} as never, 'Frozen')).toThrow('unknown manifest "Frozen": event type "Frozen" is not declared in the event schema');
    expect(() => adapter.fromJournal({} as never, 'Withdrawn@2')).toThrow('version 2 is newer than this code\'s version 1 of "Withdrawn"');
    expect(() => adapter.fromJournal({} as never, 'Deposited@x')).toThrow('the version is not a positive integer');
  });

  it('refuses to persist an undeclared event type', () => {
    expect(() => adapter.manifest({ type: 'Closed' } as never)).toThrow(
      'event adapter serializer cannot store this value faithfully: event type "Closed" is not declared in the event schema (declared: Deposited, Withdrawn, Noted)',
    );
  });
});
