/** Element type oids of the arrays the journal sends (pg_type.oid). */
export const elementType = { bytea: 17, int8: 20, int2: 21, int4: 23, text: 25 } as const;

export type ElementType = (typeof elementType)[keyof typeof elementType];

/** ndim, flags, element type, then length and lower bound of the one dimension. */
const headerBytes = 20;
const twoTo32 = 2 ** 32;

/**
 * A one-dimensional array parameter in PostgreSQL's binary form (what `array_recv` reads), built
 * element by element. The driver sends a Buffer parameter as is, in binary format: nothing is
 * escaped here or parsed there, and a text element goes as its UTF-8 bytes, whatever characters
 * it holds. The element type must be the one the statement casts the parameter to.
 */
export class ArrayParameter {
  #buffer: Buffer;
  #offset = headerBytes;
  #length = 0;
  #nulls = 0;

  /** `bytesPerElement` is a first guess: the buffer grows as needed. */
  constructor(
    private readonly type: ElementType,
    elements: number,
    bytesPerElement: number,
  ) {
    this.#buffer = Buffer.allocUnsafe(headerBytes + elements * (4 + bytesPerElement));
  }

  get length(): number {
    return this.#length;
  }

  /** For text[] parameters; the text is well-formed (no lone surrogate), as the journal checks. */
  text(value: string | null): void {
    if (value === null) return this.null();
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    this.#reserve(4 + value.length * 3);
    const offset = this.#offset;
    const written = this.#buffer.write(value, offset + 4, 'utf8');
    this.#buffer.writeInt32BE(written, offset);
    this.#offset = offset + 4 + written;
    this.#length++;
  }

  bytes(value: Uint8Array | null): void {
    if (value === null) return this.null();
    this.#reserve(4 + value.byteLength);
    this.#buffer.writeInt32BE(value.byteLength, this.#offset);
    this.#buffer.set(value, this.#offset + 4);
    this.#offset += 4 + value.byteLength;
    this.#length++;
  }

  /** For bigint[] parameters: a safe integer. */
  int8(value: number): void {
    this.#reserve(12);
    const high = Math.floor(value / twoTo32);
    const buffer = this.#buffer;
    const offset = this.#offset;
    buffer.writeInt32BE(8, offset);
    buffer.writeInt32BE(high, offset + 4);
    buffer.writeUInt32BE(value - high * twoTo32, offset + 8);
    this.#offset = offset + 12;
    this.#length++;
  }

  /** For integer[] parameters. */
  int4(value: number | null): void {
    if (value === null) return this.null();
    this.#reserve(8);
    this.#buffer.writeInt32BE(4, this.#offset);
    this.#buffer.writeInt32BE(value, this.#offset + 4);
    this.#offset += 8;
    this.#length++;
  }

  /** For smallint[] parameters. */
  int2(value: number | null): void {
    if (value === null) return this.null();
    this.#reserve(6);
    this.#buffer.writeInt32BE(2, this.#offset);
    this.#buffer.writeInt16BE(value, this.#offset + 4);
    this.#offset += 6;
    this.#length++;
  }

  null(): void {
    this.#reserve(4);
    this.#buffer.writeInt32BE(-1, this.#offset);
    this.#offset += 4;
    this.#length++;
    this.#nulls++;
  }

  /** The finished parameter. */
  value(): Buffer {
    const buffer = this.#buffer;
    buffer.writeInt32BE(1, 0);
    buffer.writeInt32BE(this.#nulls > 0 ? 1 : 0, 4);
    buffer.writeInt32BE(this.type, 8);
    buffer.writeInt32BE(this.#length, 12);
    buffer.writeInt32BE(1, 16);
    return buffer.subarray(0, this.#offset);
  }

  /**
   * The finished parameter, or null when every element is null: `unnest` with several arrays
   * pads the shorter ones (a null one too) with nulls, so a column that is null on every row
   * need not be sent at all.
   */
  valueOrNull(): Buffer | null {
    return this.#nulls === this.#length ? null : this.value();
  }

  #reserve(bytes: number): void {
    const needed = this.#offset + bytes;
    if (needed <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.#offset);
    this.#buffer = grown;
  }
}
