import { InvalidOffset } from './errors.js';

/** How a store prints its positions; a reader passes itself. */
interface PositionFormat<P> {
  readonly offsetKind: string;
  formatPosition(position: P): string;
}

const START = 'start';
const KIND = /^[a-z][a-z0-9-]*$/;

/**
 * A place in a read journal's global order, opaque to users: resuming a query from an offset
 * returns the events after it (exclusive). `String(offset)` is its text, e.g. `sqlite:1042` or
 * `postgres:7741.1042`, and `Offset.parse(text)` reads it back; `Offset.start` is before the first
 * event. The text names the kind of store, so an offset of another store is refused, not misread.
 */
export class Offset {
  /** Before the first event of every store. */
  static readonly start: Offset = new Offset(undefined, undefined, undefined, START);

  /** Reads `String(offset)` back; throws `InvalidOffset` when `text` is not an offset. */
  static parse(text: string): Offset {
    if (typeof text !== 'string') throw new InvalidOffset(String(text), 'an offset is a string');
    if (text === START) return Offset.start;
    const colon = text.indexOf(':');
    const kind = colon < 0 ? '' : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1);
    if (!KIND.test(kind) || value.length === 0 || /\s/.test(value)) {
      throw new InvalidOffset(text, `expected "${START}" or "<store>:<position>", such as "sqlite:1042"`);
    }
    return new Offset(kind, undefined, undefined, value);
  }

  /** @internal A stored event's offset, printed only when asked. */
  static at<P>(format: PositionFormat<P>, position: P): Offset {
    return new Offset(format.offsetKind, position, format as PositionFormat<unknown>, undefined);
  }

  private constructor(
    /** The kind of store, e.g. `sqlite`; undefined for `Offset.start`. */
    readonly kind: string | undefined,
    /** @internal */
    readonly position: unknown,
    private readonly format: PositionFormat<unknown> | undefined,
    private text: string | undefined,
  ) {}

  /** True for `Offset.start` (and its parsed text). */
  get isStart(): boolean {
    return this.kind === undefined;
  }

  /** @internal The position text after the kind. */
  get positionText(): string {
    if (this.text === undefined) this.text = this.format!.formatPosition(this.position);
    return this.text;
  }

  toString(): string {
    return this.kind === undefined ? START : `${this.kind}:${this.positionText}`;
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: Offset): boolean {
    return this.toString() === other.toString();
  }
}
