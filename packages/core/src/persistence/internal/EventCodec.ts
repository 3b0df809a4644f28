import { describeMessage } from '../../actor/errors.js';
import { NotSerializable } from '../../serialization/errors.js';
import type { EventAdapter } from '../../serialization/EventAdapter.js';
import { findDifference } from '../../serialization/findDifference.js';
import type { Serialization } from '../../serialization/Serialization.js';
import type { PersistentRepr, SerializedValue } from '../../spi/PersistentRepr.js';
import type { SelectedSnapshot } from '../../spi/SnapshotStore.js';
import { EventNotSerializable, RecoveryFailed, SnapshotNotSerializable } from '../errors.js';

/** The tags of an untagged event: one shared empty list, not an array per event. */
const noTags: readonly string[] = Object.freeze([]);

/**
 * Turns one actor's events and snapshots into what the stores keep, and back: event adapter,
 * manifest, tags, serializer. Reading failures become RecoveryFailed naming the sequence nr and
 * manifest. Writing failures are thrown (the write is then rejected), a value the serializer
 * refuses as EventNotSerializable / SnapshotNotSerializable naming where in it.
 */
export class EventCodec<E> {
  constructor(
    private readonly persistenceId: string,
    private readonly serialization: Serialization,
    private readonly adapter: EventAdapter<E, unknown>,
    private readonly tagger: ((event: E) => readonly string[]) | undefined,
    private readonly writerUuid: string,
    private readonly verify: boolean,
  ) {}

  encode(event: E, sequenceNr: number, timestamp: number): PersistentRepr {
    const serializer = this.serialization.eventSerializer;
    const manifest = this.adapter.manifest(event);
    const journalEvent = this.adapter.toJournal(event);
    let payload: string | Uint8Array;
    try {
      payload = serializer.serialize(journalEvent, manifest);
    } catch (error) {
      if (error instanceof NotSerializable) throw new EventNotSerializable(this.persistenceId, sequenceNr, EventCodec.typeOf(event), error);
      throw error;
    }
    if (this.verify) this.verifyRoundTrip(event, serializer.deserialize(payload, manifest), manifest);
    return {
      persistenceId: this.persistenceId,
      sequenceNr,
      serializerId: serializer.id,
      manifest,
      payload,
      writerUuid: this.writerUuid,
      timestamp,
      tags: this.tagger === undefined ? noTags : this.tagger(event),
    };
  }

  decode(repr: PersistentRepr): readonly E[] {
    try {
      const serializer = this.serialization.get(repr.serializerId);
      return this.adapter.fromJournal(serializer.deserialize(repr.payload, repr.manifest), repr.manifest);
    } catch (error) {
      throw new RecoveryFailed(this.persistenceId, repr.sequenceNr, repr.manifest, error);
    }
  }

  encodeSnapshot(snapshot: unknown, sequenceNr: number): SerializedValue {
    const serializer = this.serialization.snapshotSerializer;
    try {
      return { serializerId: serializer.id, manifest: '', payload: serializer.serialize(snapshot, '') };
    } catch (error) {
      if (error instanceof NotSerializable) throw new SnapshotNotSerializable(this.persistenceId, sequenceNr, error);
      throw error;
    }
  }

  decodeSnapshot(selected: SelectedSnapshot): unknown {
    const { snapshot, metadata } = selected;
    try {
      return this.serialization.get(snapshot.serializerId).deserialize(snapshot.payload, snapshot.manifest);
    } catch (error) {
      throw new RecoveryFailed(this.persistenceId, metadata.sequenceNr, snapshot.manifest, error, 'snapshot');
    }
  }

  private verifyRoundTrip(event: E, stored: unknown, manifest: string): void {
    const readBack = this.adapter.fromJournal(stored, manifest);
    const type = EventCodec.typeOf(event);
    if (readBack.length !== 1) {
      throw new NotSerializable('round-trip check', `event ${type} came back from the event adapter as ${readBack.length} events: ${describeReadBack(readBack)}`);
    }
    const difference = findDifference(event, readBack[0]);
    if (difference === undefined) return;
    throw new NotSerializable(
      'round-trip check',
      `event ${type} came back from the serializer and event adapter changed: event${difference.path} ${difference.how}`,
      undefined,
      { path: difference.path, problem: difference.how },
    );
  }

  /** For error messages: the event's `type` field or class name. */
  static typeOf(event: unknown): string {
    return describeMessage(event);
  }
}

function describeReadBack(events: readonly unknown[]): string {
  try {
    return JSON.stringify(events);
  } catch {
    return `${events.length} events`;
  }
}
