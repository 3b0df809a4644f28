import { ActorSystem, SupervisorStrategy, type Logger } from '@engram/core';
import { Accounts } from './accounts/index.js';
import { describeStore, type AppConfig } from './config.js';
import { createRoutes, HttpServer, ServiceStatus, startingRoutes } from './http/index.js';
import { createLogger } from './logging/index.js';
import { ReadSide } from './projections/index.js';
import { checkStoreAtStart, createReadModels, createStores, probeStore, type Stores } from './storage/index.js';

export interface AppOptions {
  readonly config: AppConfig;
  /** Default: pino, JSON lines on stderr at `config.logLevel`. */
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
  readonly system: ActorSystem;
  readonly accounts: Accounts;
  /** The projections and read models behind GET /accounts, GET /audit and /admin/projections. */
  readonly readSide: ReadSide;
  /** Stops taking requests, lets running ones finish, then terminates the actor system (flushes writes, closes the stores). */
  stop(): Promise<void>;
}

/** How long start-up waits for the store's first answer, and GET /ready for each later one. */
const startProbeTimeoutMs = 10_000;
const readyProbeTimeoutMs = 2_000;

/**
 * Starts the bank-account service. The port is bound first, answering `/health`, `/ready` (503
 * while starting) and 503 on every other route; then the store is opened and checked, the
 * account manager and the projections started (accounts are recovered one by one as requests
 * need them, not here), and the routes served. Rejects, with the port released and the system
 * terminated, when the port is taken or the store cannot be opened or read.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const log = options.logger ?? createLogger({ level: config.logLevel });
  const store = options.stores === undefined ? describeStore(config.store) : 'the stores given to startApp';
  log.info({ store }, `starting the bank-account service (pid ${process.pid})`);
  const status = new ServiceStatus(log);
  let routes = startingRoutes(status);
  const server = await HttpServer.listen((request) => routes.fetch(request), config.port, config.host);
  const { url, port } = server;
  log.info({ url }, `port bound at ${url}; every route but /health and /ready answers 503 until the service is ready`);

  let stores: Stores | undefined;
  let system: ActorSystem | undefined;
  try {
    stores = options.stores ?? (await createStores(config.store));
    await checkStoreAtStart(stores.journal, store, startProbeTimeoutMs);
    system = ActorSystem.create('bank', { logger: log, persistence: stores });
    const journal = stores.journal;
    const accounts = Accounts.start(system, {
      askTimeoutMs: config.askTimeoutMs,
      idleMs: config.accountIdleMs,
      onPersistFailure:
        options.onPersistFailure ?? SupervisorStrategy.restartWithBackoff({ minBackoffMs: 200, maxBackoffMs: 10_000, randomFactor: 0.2 }),
    });
    status.starting('opening the read models');
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

    routes = createRoutes({ accounts, readSide, status, log });
    status.ready(() => probeStore(journal, store, readyProbeTimeoutMs));
    log.info({ url, accountIdleMs: config.accountIdleMs }, `listening on ${url}`);
    let stopping: Promise<void> | undefined;
    const running = system;
    return {
      url,
      port,
      system: running,
      accounts,
      readSide,
      stop: () => (stopping ??= stopServerThenSystem(status, server, running)),
    };
  } catch (error) {
    await server.close();
    if (system !== undefined) await system.terminate();
    else if (stores !== undefined) await closeStores(stores);
    throw error;
  }
}

async function closeStores(stores: Stores): Promise<void> {
  await Promise.allSettled([stores.journal.close?.(), stores.snapshotStore.close?.()]);
}

async function stopServerThenSystem(status: ServiceStatus, server: HttpServer, system: ActorSystem): Promise<void> {
  status.stopping();
  await server.close();
  system.log.info('HTTP server stopped; terminating the actor system');
  await system.terminate();
  system.log.info('stopped');
}
