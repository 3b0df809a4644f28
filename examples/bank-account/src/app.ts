import { ActorSystem, SupervisorStrategy, type Logger } from '@engram/core';
import { Accounts, type RecoverySummary } from './accounts/index.js';
import { describeStore, type AppConfig } from './config.js';
import { createRoutes, HttpServer } from './http/index.js';
import { ReadSide } from './projections/index.js';
import { createReadModels, createStores, type Stores } from './storage/index.js';

export interface AppOptions {
  readonly config: AppConfig;
  /** Default: Engram's console logger on stderr. */
  readonly logger?: Logger;
  /**
   * How accounts survive storage failures. Default: stop, then come back after 0.2 s, doubling up
   * to 10 s, recovering what was stored; commands meanwhile wait (or time out as 503s).
   */
  readonly onPersistFailure?: SupervisorStrategy;
  /** Stores to use instead of the ones `config.store` names (tests wrap them to inject faults). */
  readonly stores?: Stores;
}

export interface App {
  /** `http://host:port`, with the port actually bound (for port 0). */
  readonly url: string;
  readonly port: number;
  readonly recovery: RecoverySummary;
  readonly system: ActorSystem;
  /** The projections and read models behind GET /accounts, GET /audit and /admin/projections. */
  readonly readSide: ReadSide;
  /** Stops taking requests, lets running ones finish, then terminates the actor system (flushes writes, closes the stores). */
  stop(): Promise<void>;
}

/**
 * Starts the bank-account service: opens the store, recovers every account, starts the
 * projections (which catch up in the background), then listens. Rejects (with the system already
 * terminated) when the store cannot be opened or read.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const stores = options.stores ?? (await createStores(config.store));
  const system = ActorSystem.create('bank', {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    persistence: stores,
  });
  const log = system.log;
  try {
    const store = options.stores === undefined ? describeStore(config.store) : 'the stores given to startApp';
    log.info({ store }, 'starting the bank-account service');
    const { accounts, recovery } = await Accounts.start(system, {
      askTimeoutMs: config.askTimeoutMs,
      onPersistFailure:
        options.onPersistFailure ?? SupervisorStrategy.restartWithBackoff({ minBackoffMs: 200, maxBackoffMs: 10_000, randomFactor: 0.2 }),
    });
    logRecovery(log, recovery);
    const readModels = await createReadModels(config.store);
    let readSide: ReadSide;
    try {
      readSide = ReadSide.start(system, readModels, config.nats === undefined ? {} : { nats: config.nats });
    } catch (error) {
      await readModels.close();
      throw error;
    }
    // After every actor (the projections too) has stopped, before the journal closes.
    system.registerOnTermination('bank-read-side', () => readSide.close());
    log.info({ projections: readSide.projectionNames.join(', ') }, 'read side started; the projections catch up in the background');
    const server = await HttpServer.listen(createRoutes(accounts, readSide, log).fetch, config.port, config.host);
    const { url, port } = server;
    log.info(`listening on ${url}`);
    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      recovery,
      system,
      readSide,
      stop: () => (stopping ??= stopServerThenSystem(server, system)),
    };
  } catch (error) {
    await system.terminate();
    throw error;
  }
}

function logRecovery(log: Logger, recovery: RecoverySummary): void {
  const accounts = `${recovery.accounts} ${recovery.accounts === 1 ? 'account' : 'accounts'}`;
  const events = `${recovery.events} ${recovery.events === 1 ? 'event' : 'events'}`;
  const fields = { eventsReplayed: recovery.eventsReplayed, eventsFromSnapshots: recovery.events - recovery.eventsReplayed };
  log.info(fields, `recovered ${accounts} (${events}) in ${recovery.durationMs} ms`);
  for (const { id, error } of recovery.failed) {
    log.error({ err: error, account: id }, `account ${id} could not be recovered; its actor retries with backoff`);
  }
}

async function stopServerThenSystem(server: HttpServer, system: ActorSystem): Promise<void> {
  await server.close();
  system.log.info('HTTP server stopped; terminating the actor system');
  await system.terminate();
  system.log.info('stopped');
}
