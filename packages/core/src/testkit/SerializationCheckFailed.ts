import { EngramError } from '../errors/index.js';

/** A command, event or state did not survive the configured serializers unchanged. */
export class SerializationCheckFailed extends EngramError {
  override readonly name = 'SerializationCheckFailed';

  constructor(
    readonly what: 'command' | 'event' | 'state',
    reason: string,
    cause?: unknown,
    /** Where inside it, from its root: `command.when`, `event.items[2].at`, `state.seen`; when known. */
    readonly path?: string,
  ) {
    super(`the ${what} does not survive serialization: ${reason}`, cause);
  }
}
