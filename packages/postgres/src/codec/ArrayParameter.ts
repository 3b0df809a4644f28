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
  /** The same memory as `#buffer`: its setters cost far less than Buffer's writeInt32BE. */
  #view: DataView;
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
    this.#view = viewOf(this.#buffer);
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
    this.#view.setInt32(offset, written);
    this.#offset = offset + 4 + written;
    this.#length++;
  }

  bytes(value: Uint8Array | null): void {
    if (value === null) return this.null();
    this.#reserve(4 + value.byteLength);
    this.#view.setInt32(this.#offset, value.byteLength);
    this.#buffer.set(value, this.#offset + 4);
    this.#offset += 4 + value.byteLength;
    this.#length++;
  }

  /** For bigint[] parameters: a safe integer. */
  int8(value: number): void {
    this.#reserve(12);
    const high = Math.floor(value / twoTo32);
    const view = this.#view;
    const offset = this.#offset;
    view.setInt32(offset, 8);
    view.setInt32(offset + 4, high);
    view.setUint32(offset + 8, value - high * twoTo32);
    this.#offset = offset + 12;
    this.#length++;
  }

  /** For integer[] parameters. */
  int4(value: number | null): void {
    if (value === null) return this.null();
    this.#reserve(8);
    this.#view.setInt32(this.#offset, 4);
    this.#view.setInt32(this.#offset + 4, value);
    this.#offset += 8;
    this.#length++;
  }

  /** For smallint[] parameters. */
  int2(value: number | null): void {
    if (value === null) return this.null();
    this.#reserve(6);
    this.#view.setInt32(this.#offset, 2);
    this.#view.setInt16(this.#offset + 4, value);
    this.#offset += 6;
    this.#length++;
  }

  null(): void {
    this.#reserve(4);
    this.#view.setInt32(this.#offset, -1);
    this.#offset += 4;
    this.#length++;
    this.#nulls++;
  }

  /** The finished parameter. */
  value(): Buffer {
    const view = this.#view;
    view.setInt32(0, 1);
    view.setInt32(4, this.#nulls > 0 ? 1 : 0);
    view.setInt32(8, this.type);
    view.setInt32(12, this.#length);
    view.setInt32(16, 1);
    return this.#buffer.subarray(0, this.#offset);
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
    this.#view = viewOf(grown);
  }
}

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
