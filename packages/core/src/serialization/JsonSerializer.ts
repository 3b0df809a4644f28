import { NotSerializable } from './errors.js';
import { describeJsonLoss, isJsonFaithful } from './jsonFidelity.js';
import type { Serializer } from './Serializer.js';

export interface JsonSerializerOptions {
  /**
   * Refuse values JSON would change silently (default true): Date, Map, Set and class instances
   * (they come back as strings or plain objects), NaN and Infinity (null), bigint, functions,
   * symbols, undefined inside arrays, and cycles. Refusing at persist time is a rejection the
   * actor sees (naming where in the value: `$.items[2].at is a Date; ...`); accepting would
   * surface only at recovery, as different data.
   *
   * Accepted as JSON stores them: an object field that is undefined (the key is dropped, which
   * readers of an optional field cannot tell from absent), -0 (read back as 0), actor refs
   * (stored as their path), and symbol-keyed or non-enumerable properties (not stored).
   */
  readonly strict?: boolean;
}

const decoder = new TextDecoder();

/** The default serializer (id 1): JSON text, checked for values that would not round-trip. */
export class JsonSerializer implements Serializer {
  readonly id = 1;
  readonly name = 'json';
  private readonly strict: boolean;

  constructor(options: JsonSerializerOptions = {}) {
    this.strict = options.strict ?? true;
  }

  serialize(value: unknown): string {
    // One walk that allocates nothing; the path is worked out only for a value it refuses.
    if (this.strict && !isJsonFaithful(value)) throw new NotSerializable(this.name, undefined, undefined, describeJsonLoss(value));
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw new NotSerializable(this.name, (error as Error).message, error);
    }
    if (text === undefined) throw new NotSerializable(this.name, `${typeof value} has no JSON form`);
    return text;
  }

  deserialize(payload: string | Uint8Array): unknown {
    return JSON.parse(typeof payload === 'string' ? payload : decoder.decode(payload));
  }
}
