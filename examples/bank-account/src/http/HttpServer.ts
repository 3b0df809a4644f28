import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';

/**
 * A Node HTTP server for a fetch handler that shuts down gracefully: `close()` stops accepting,
 * lets the requests in flight finish, and resolves once every connection is gone, without
 * waiting for keep-alive clients to hang up.
 */
export class HttpServer {
  private readonly inFlight = new Set<ServerResponse>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      if (this.closing !== undefined) response.setHeader('Connection', 'close');
      this.inFlight.add(response);
      response.once('close', () => this.inFlight.delete(response));
    });
  }

  /** Listens on `host:port` (0: a free port); rejects when that fails, e.g. the port is taken. */
  static listen(fetch: (request: Request) => Response | Promise<Response>, port: number, host: string): Promise<HttpServer> {
    const server = createAdaptorServer({ fetch }) as Server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(new HttpServer(server, host, (server.address() as AddressInfo).port));
      });
    });
  }

  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Responses not yet written close their connection when they are; idle ones close now.
      for (const response of this.inFlight) {
        if (!response.headersSent) response.setHeader('Connection', 'close');
      }
      this.server.closeIdleConnections();
    });
    return this.closing;
  }
}
