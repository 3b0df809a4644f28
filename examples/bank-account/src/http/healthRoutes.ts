import type { Hono } from 'hono';
import type { ServiceStatus } from './ServiceStatus.js';

/**
 * `GET /health` (liveness: 200 while the process runs and serves HTTP) and `GET /ready`
 * (readiness: 200 once started and while the store answers, else 503 saying why). Served from the
 * moment the port is bound, before the store is open.
 */
export function addHealthRoutes(app: Hono, status: ServiceStatus): void {
  app.get('/health', (c) => c.json({ status: 'alive', phase: status.phase, pid: process.pid }));
  app.get('/ready', async (c) => {
    const readiness = await status.readiness();
    return c.json(readiness, readiness.ready ? 200 : 503);
  });
}
