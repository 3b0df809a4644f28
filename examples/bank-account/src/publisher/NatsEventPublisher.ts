import { envelopeId, type EventEnvelope, type Logger } from '@engram/core';
import { jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { NatsUnavailable, PublishFailed, StreamMismatch } from './errors.js';
import { subjectFor } from './subjects.js';

export interface NatsPublisherConfig {
  /** Server URL(s), comma-separated, e.g. `nats://127.0.0.1:4222`. */
  readonly url: string;
  /** The JetStream stream, created when missing. */
  readonly stream: string;
  /** Events go to `<subjectPrefix>.<persistenceId as one token>`; the stream takes `<subjectPrefix>.>`. */
  readonly subjectPrefix: string;
  /** How long connecting, setting up the stream and each publish acknowledgement may take. */
  readonly timeoutMs: number;
  /**
   * How long the broker remembers a message id to drop a repeated publish of it (the stream's
   * `duplicate_window`, for a stream this publisher creates). Repeats come from a restart that
   * resumes from the last saved offset, so this must be longer than a restart takes.
   */
  readonly duplicateWindowMs: number;
}

/** What the publisher did since the app started, for `GET /admin/projections`. */
export interface PublisherCounts {
  /** Events the stream stored. */
  readonly published: number;
  /** Events the broker acknowledged as duplicates of a message id it had (published before a restart). */
  readonly duplicates: number;
}

interface Connected {
  readonly connection: NatsConnection;
  readonly js: JetStreamClient;
}

/**
 * Publishes events to NATS JetStream, each with `Nats-Msg-Id` = its envelope id
 * (`persistenceId:sequenceNr`), so that the broker stores every event once even though an
 * at-least-once projection publishes the events after its last saved offset again after a restart.
 *
 * Connects on the first publish (and again after the connection closed): the app starts without
 * the broker, and a publish that cannot reach it fails within `timeoutMs`, for the projection's
 * recovery to retry.
 */
export class NatsEventPublisher {
  private connecting: Promise<Connected> | undefined;
  private closed = false;
  private counts = { published: 0, duplicates: 0 };
  /** The servers for logs and errors: without user names, passwords or tokens. */
  private readonly where: string;

  constructor(
    private readonly config: NatsPublisherConfig,
    private readonly log: Logger,
  ) {
    this.where = config.url
      .split(',')
      .map((server) => server.trim().replace(/\/\/[^@/]*@/, '//'))
      .join(',');
  }

  get stats(): PublisherCounts {
    return { ...this.counts };
  }

  async publish(envelope: EventEnvelope<unknown>): Promise<void> {
    const { js } = await this.connection();
    const id = envelopeId(envelope);
    const subject = subjectFor(this.config.subjectPrefix, envelope.persistenceId);
    const message = {
      id,
      persistenceId: envelope.persistenceId,
      sequenceNr: envelope.sequenceNr,
      offset: String(envelope.offset),
      timestamp: envelope.timestamp,
      tags: envelope.tags,
      event: envelope.event,
    };
    let duplicate: boolean;
    try {
      ({ duplicate } = await js.publish(subject, JSON.stringify(message), { msgID: id, timeout: this.config.timeoutMs }));
    } catch (error) {
      throw new PublishFailed(id, subject, error);
    }
    if (duplicate) this.counts.duplicates++;
    else this.counts.published++;
  }

  /** Closes the connection after the publishes in flight; later publishes fail. */
  async close(): Promise<void> {
    this.closed = true;
    const connecting = this.connecting;
    this.connecting = undefined;
    const connected = await connecting?.catch(() => undefined);
    await connected?.connection.close();
  }

  private connection(): Promise<Connected> {
    if (this.closed) return Promise.reject(new NatsUnavailable(this.where, 'the publisher was closed'));
    if (this.connecting === undefined) {
      const connecting = this.connect();
      this.connecting = connecting;
      const forget = (): void => {
        if (this.connecting === connecting) this.connecting = undefined;
      };
      // A failed connect, or a connection that closed for good, is tried again on the next publish.
      connecting.then(({ connection }) => connection.closed().then(forget), forget);
    }
    return this.connecting;
  }

  private async connect(): Promise<Connected> {
    const { url, timeoutMs } = this.config;
    const where = this.where;
    let connection: NatsConnection;
    try {
      // Reconnects forever after a first connection; each publish still fails after timeoutMs.
      connection = await connect({ servers: url.split(','), timeout: timeoutMs, maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
    } catch (error) {
      throw new NatsUnavailable(where, `could not connect within ${timeoutMs} ms`, error);
    }
    try {
      await this.ensureStream(connection);
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
    this.log.info({ url: where, stream: this.config.stream }, 'publishing events to NATS JetStream');
    void connection.closed().then((error) => {
      if (error !== undefined && !this.closed) this.log.warn({ err: error, url: where }, 'NATS connection closed; the next publish reconnects');
    });
    return { connection, js: jetstream(connection, { timeout: timeoutMs }) };
  }

  private async ensureStream(connection: NatsConnection): Promise<void> {
    const { stream, subjectPrefix, timeoutMs, duplicateWindowMs } = this.config;
    const wanted = `${subjectPrefix}.>`;
    try {
      const jsm = await jetstreamManager(connection, { timeout: timeoutMs });
      try {
        const info = await jsm.streams.info(stream);
        const subjects = info.config.subjects ?? [];
        if (!subjects.includes(wanted)) throw new StreamMismatch(stream, subjects, wanted);
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
        await jsm.streams.add({ name: stream, subjects: [wanted], duplicate_window: nanos(duplicateWindowMs) });
        this.log.info({ stream, subjects: wanted, duplicateWindowMs }, 'created the JetStream stream');
      }
    } catch (error) {
      if (error instanceof StreamMismatch) throw error;
      throw new NatsUnavailable(this.where, `could not set up the stream ${stream}`, error);
    }
  }
}
