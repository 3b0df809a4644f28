/**
 * Turns values into payloads the stores keep (text or bytes) and back. The id is stored with every
 * payload, so it must never change once data was written with it; ids below 100 are Engram's.
 */
export interface Serializer {
  readonly id: number;
  readonly name: string;
  /** Throws NotSerializable when the value cannot be stored faithfully. */
  serialize(value: unknown, manifest: string): string | Uint8Array;
  deserialize(payload: string | Uint8Array, manifest: string): unknown;
}
