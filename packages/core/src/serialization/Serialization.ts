import { InvalidArgument } from '../errors/index.js';
import { UnknownSerializer } from './errors.js';
import { JsonSerializer } from './JsonSerializer.js';
import type { Serializer } from './Serializer.js';
import { V8Serializer } from './V8Serializer.js';

export interface SerializationConfig {
  /** More serializers (your own ids >= 100); one with a built-in id (1 json, 2 v8) replaces it. */
  readonly serializers?: readonly Serializer[];
  /** Id of the serializer for events. Default 1 (JSON). */
  readonly eventSerializer?: number;
  /** Id of the serializer for snapshots. Default 1 (JSON); 2 (V8) is a fast binary choice. */
  readonly snapshotSerializer?: number;
}

/** The serializers of one actor system, looked up by the id stored with each payload. */
export class Serialization {
  readonly eventSerializer: Serializer;
  readonly snapshotSerializer: Serializer;
  private readonly byId = new Map<number, Serializer>();

  constructor(config: SerializationConfig = {}) {
    for (const serializer of [new JsonSerializer(), new V8Serializer(), ...(config.serializers ?? [])]) {
      if (!Number.isInteger(serializer.id) || serializer.id < 0) {
        throw new InvalidArgument(`serializer ${serializer.name} id`, serializer.id, 'a non-negative integer');
      }
      // A user serializer may replace a built-in one deliberately (e.g. JSON with strict: false).
      this.byId.set(serializer.id, serializer);
    }
    this.eventSerializer = this.get(config.eventSerializer ?? 1);
    this.snapshotSerializer = this.get(config.snapshotSerializer ?? 1);
  }

  get(id: number): Serializer {
    const serializer = this.byId.get(id);
    if (serializer === undefined) throw new UnknownSerializer(id);
    return serializer;
  }
}
