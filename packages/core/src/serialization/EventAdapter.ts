import { UnknownManifest } from './errors.js';
import { NotSerializable } from './errors.js';

/**
 * Sits between the events an actor persists and what the journal stores: chooses the manifest
 * (type and version) written with each event, may change its shape on the way in, and turns a
 * stored event back into zero, one or several current events (upcast, split, drop).
 */
export interface EventAdapter<E, J = unknown> {
  manifest(event: E): string;
  toJournal(event: E): J;
  /** Throw UnknownManifest for a manifest this adapter cannot read. */
  fromJournal(stored: J, manifest: string): readonly E[];
}

/** One event type's schema: its current version and how older versions become today's events. */
export interface EventTypeSchema {
  /** Current version, written into the manifest (`Type` for 1, `Type@2` from 2 on). Default 1. */
  readonly version?: number;
  /** From an older version to zero, one or several events in today's shape. */
  readonly upcast?: Readonly<Record<number, (stored: never) => unknown>>;
}

/** Event schema keyed by each event's `type` field. */
export type EventSchema = Readonly<Record<string, EventTypeSchema>>;

function typeOf(event: unknown): string | undefined {
  const type = (event as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

export const EventAdapters = {
  /**
   * The default: manifest = the event's `type` field (empty if none), stored and read unchanged.
   */
  identity<E>(): EventAdapter<E, E> {
    return {
      manifest: (event) => typeOf(event) ?? '',
      toJournal: (event) => event,
      fromJournal: (stored) => [stored],
    };
  },

  /**
   * Versioned events with upcasting. Every event type must be declared: persisting an undeclared
   * type is rejected, and recovering an undeclared manifest or a version newer than the schema
   * fails recovery (the stored data is never changed).
   *
   * ```ts
   * EventAdapters.versioned<Evt>({
   *   Deposited: { version: 2, upcast: { 1: (v1: { value: number }) => ({ type: 'Deposited', amount: v1.value }) } },
   *   Withdrawn: {},
   *   Merged: { upcast: {} },
   * })
   * ```
   */
  versioned<E>(schema: EventSchema): EventAdapter<E, E> {
    return {
      manifest(event) {
        const type = typeOf(event);
        const entry = type === undefined ? undefined : schema[type];
        if (type === undefined || entry === undefined) {
          throw new NotSerializable(
            'event adapter',
            `event type ${JSON.stringify(type)} is not declared in the event schema (declared: ${Object.keys(schema).join(', ')})`,
          );
        }
        const version = entry.version ?? 1;
        return version === 1 ? type : `${type}@${version}`;
      },
      toJournal: (event) => event,
      fromJournal(stored, manifest) {
        const at = manifest.lastIndexOf('@');
        const type = at < 0 ? manifest : manifest.slice(0, at);
        const version = at < 0 ? 1 : Number(manifest.slice(at + 1));
        const entry = schema[type];
        if (entry === undefined) throw new UnknownManifest(manifest, `event type "${type}" is not declared in the event schema`);
        const current = entry.version ?? 1;
        if (!Number.isInteger(version) || version < 1) throw new UnknownManifest(manifest, 'the version is not a positive integer');
        if (version > current) {
          throw new UnknownManifest(manifest, `version ${version} is newer than this code's version ${current} of "${type}"`);
        }
        if (version === current) return [stored];
        const upcast = entry.upcast?.[version];
        if (upcast === undefined) throw new UnknownManifest(manifest, `no upcaster from version ${version} of "${type}"`);
        const result = upcast(stored as never);
        return (Array.isArray(result) ? result : [result]) as E[];
      },
    };
  },
} as const;
