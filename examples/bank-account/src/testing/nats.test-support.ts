import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** The broker the NATS tests use; override with ENGRAM_NATS_URL. */
export const natsUrl = process.env['ENGRAM_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * Whether NATS with JetStream answers. Under `CI=true` an unreachable broker throws, so the test
 * file fails; elsewhere it prints why and returns false, and the caller skips.
 */
export async function natsAvailable(label: string): Promise<boolean> {
  let reason: string | undefined;
  let connection: NatsConnection | undefined;
  try {
    connection = await connect({ servers: natsUrl, timeout: 3_000, maxReconnectAttempts: 0 });
    const jsm = await jetstreamManager(connection, { timeout: 3_000 });
    await jsm.getAccountInfo();
  } catch (error) {
    reason = `NATS JetStream is unreachable at ${natsUrl}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await connection?.close().catch(() => {});
  }
  if (reason === undefined) return true;
  if (process.env['CI'] === 'true') throw new Error(`CI=true, so NATS tests must run, but ${reason}`);
  console.warn(`[${label}] skipping NATS tests: ${reason} (set CI=true to make this fail)`);
  return false;
}

/** A stream name and subject prefix no other test uses. */
export function freshStream(label: string): { readonly stream: string; readonly subjectPrefix: string } {
  const suffix = randomBytes(5).toString('hex');
  return { stream: `TEST_${label.toUpperCase()}_${suffix}`, subjectPrefix: `test.${label}.${suffix}` };
}

/** A management connection to the test broker; `close()` when done. */
export async function natsManager(): Promise<{ readonly jsm: JetStreamManager; close(): Promise<void> }> {
  const connection = await connect({ servers: natsUrl, timeout: 3_000 });
  const jsm = await jetstreamManager(connection, { timeout: 5_000 });
  return { jsm, close: () => connection.close() };
}

/** Every message of `stream`: its subject and `Nats-Msg-Id` header, in stream order. */
export async function streamMessages(jsm: JetStreamManager, stream: string): Promise<readonly { readonly subject: string; readonly msgId: string | undefined; readonly data: any }[]> {
  const info = await jsm.streams.info(stream);
  const messages = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq });
    if (message === null) continue;
    messages.push({ subject: message.subject, msgId: message.header.get('Nats-Msg-Id') || undefined, data: message.json() });
  }
  return messages;
}

export async function deleteStream(stream: string): Promise<void> {
  const manager = await natsManager();
  try {
    await manager.jsm.streams.delete(stream).catch(() => false);
  } finally {
    await manager.close();
  }
}
