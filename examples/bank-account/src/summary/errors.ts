import { EngramError, envelopeId, type EventEnvelope } from '@engram/core';

/**
 * An event a read model cannot interpret: a type it does not know, or fields of the wrong kind.
 * The projection fails with it (and retries with backoff) rather than keep a wrong table.
 */
export class UnexpectedEvent extends EngramError {
  override readonly name = 'UnexpectedEvent';

  constructor(
    readonly envelopeId: string,
    readonly problem: string,
  ) {
    super(`event ${envelopeId} cannot be applied to the read model: ${problem}`);
  }

  static of(envelope: EventEnvelope<unknown>, problem: string): UnexpectedEvent {
    return new UnexpectedEvent(envelopeId(envelope), problem);
  }
}

/**
 * The account summary does not match the event it is given: an operation that is not the next one
 * of its account (applied twice, or one missed), or an account opened twice. Raised instead of
 * counting wrong, so a broken exactly-once guarantee shows up as a failed projection.
 */
export class ReadModelOutOfStep extends EngramError {
  override readonly name = 'ReadModelOutOfStep';

  constructor(
    readonly envelopeId: string,
    readonly problem: string,
  ) {
    super(`account summary is out of step with event ${envelopeId}: ${problem}; rebuild it (POST /admin/projections/account-summary/rebuild)`);
  }
}
