import { EngramError } from '../errors/index.js';

/** A value the serializer would not store faithfully (or at all). Persisting it is a rejection. */
export class NotSerializable extends EngramError {
  override readonly name = 'NotSerializable';

  constructor(
    readonly serializer: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${serializer} serializer cannot store this value faithfully: ${reason}`, cause);
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
