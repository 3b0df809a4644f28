import { EngramError } from '@engram/core';

/** The broker could not be reached, or its stream could not be set up; the publisher retries. */
export class NatsUnavailable extends EngramError {
  override readonly name = 'NatsUnavailable';

  constructor(
    readonly url: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`NATS at ${url} is unavailable: ${reason}${cause instanceof Error ? `: ${cause.message}` : ''}`, cause);
  }
}

/** The broker did not acknowledge a published event (timeout, no stream for its subject, ...). */
export class PublishFailed extends EngramError {
  override readonly name = 'PublishFailed';

  constructor(
    readonly envelopeId: string,
    readonly subject: string,
    cause: unknown,
  ) {
    super(`publishing event ${envelopeId} to ${subject} failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
}

/** A stream of that name exists but does not take the publisher's subjects. */
export class StreamMismatch extends EngramError {
  override readonly name = 'StreamMismatch';

  constructor(
    readonly stream: string,
    readonly subjects: readonly string[],
    readonly wanted: string,
  ) {
    super(`JetStream stream ${stream} exists with subjects ${JSON.stringify(subjects)}, which do not include ${wanted}; delete it or configure another stream name`);
  }
}
