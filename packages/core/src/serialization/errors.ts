import { EngramError } from '../errors/index.js';

function at(root: string, where: { readonly path: string; readonly problem: string; readonly refersTo?: string | undefined }): string {
  if (where.refersTo !== undefined) return `${root}${where.path} refers back to ${root}${where.refersTo}; JSON cannot store a cycle`;
  return `${root}${where.path} ${where.problem}`;
}

/** A value the serializer would not store faithfully (or at all). Persisting it is a rejection. */
export class NotSerializable extends EngramError {
  override readonly name = 'NotSerializable';
  /** What is wrong, paths read from `$` (the value itself). */
  readonly reason: string;
  /**
   * Where inside the value the problem is, relative to it: `''` for the value itself,
   * `.items[2].at` for a nested one; undefined when the serializer does not say.
   */
  readonly path: string | undefined;
  /** What is wrong there, e.g. `is a Date; JSON turns it into a string` (when `path` is known). */
  readonly problem: string | undefined;
  /** For a cycle: the path (relative, as `path`) of the object it refers back to. */
  readonly refersTo: string | undefined;

  /** `where` names the spot, and then `reason` may be left out: it is built from it, read from `$`. */
  constructor(
    readonly serializer: string,
    reason: string | undefined,
    cause?: unknown,
    where?: { readonly path: string; readonly problem: string; readonly refersTo?: string | undefined },
  ) {
    const text = reason ?? (where === undefined ? 'no reason given' : at('$', where));
    super(`${serializer} serializer cannot store this value faithfully: ${text}`, cause);
    this.reason = text;
    this.path = where?.path;
    this.problem = where?.problem;
    this.refersTo = where?.refersTo;
  }

  /** The reason with paths read from `root`: `event.items[2].at is a Date; ...`. */
  reasonAt(root: string): string {
    if (this.path === undefined || this.problem === undefined) return this.reason;
    return at(root, { path: this.path, problem: this.problem, refersTo: this.refersTo });
  }
}

/** A stored payload names a serializer id that is not registered. */
export class UnknownSerializer extends EngramError {
  override readonly name = 'UnknownSerializer';

  constructor(readonly serializerId: number) {
    super(`no serializer with id ${serializerId} is registered (see persistence.serializers)`);
  }
}

/** A stored manifest the event adapter does not know (a type it lacks, or a newer version). */
export class UnknownManifest extends EngramError {
  override readonly name = 'UnknownManifest';

  constructor(
    readonly manifest: string,
    reason: string,
  ) {
    super(`unknown manifest ${JSON.stringify(manifest)}: ${reason}`);
  }
}
