import { deserialize, serialize } from 'node:v8';
import { NotSerializable } from './errors.js';
import type { Serializer } from './Serializer.js';

/**
 * Binary serializer (id 2) on V8's structured clone: keeps Map, Set, Date, bigint, typed arrays and
 * cycles, and is fast. Meant for snapshots, which can be dropped and rebuilt from events if a
 * future format cannot read them; class instances come back as plain objects.
 */
export class V8Serializer implements Serializer {
  readonly id = 2;
  readonly name = 'v8';

  serialize(value: unknown): Uint8Array {
    try {
      const buffer = serialize(value);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw new NotSerializable(this.name, (error as Error).message, error);
    }
  }

  deserialize(payload: string | Uint8Array): unknown {
    if (typeof payload === 'string') throw new NotSerializable(this.name, 'expected bytes, got text');
    return deserialize(payload);
  }
}
