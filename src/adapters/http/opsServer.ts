// The operations endpoint: /healthz (the process is alive), /readyz (it can do its work),
// /metrics (Prometheus text). What readiness and metrics mean is given by the caller; this
// file is only the HTTP side.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Readiness {
  ready: boolean;
  /** Each failed check: what it is and why, e.g. { check: 'database', reason: 'timed out after 2000 ms' }. */
  failures: { check: string; reason: string }[];
}

export interface OpsHandlers {
  readiness(): Promise<Readiness>;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface OpsServer {
  /** The URL it listens on, e.g. http://127.0.0.1:9464. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsServer(handlers: OpsHandlers, options: { port: number; host: string }): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    void answer(handlers, req.url ?? '/', res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${(error as Error).message}\n`);
    });
  });
  // A scrape never holds the process open at shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(handlers: OpsHandlers, url: string, res: http.ServerResponse): Promise<void> {
  const path = url.split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"alive"}\n');
  } else if (path === '/readyz') {
    const readiness = await handlers.readiness();
    const body = readiness.ready ? { status: 'ready' } : { status: 'not ready', failures: readiness.failures };
    res.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
  } else if (path === '/metrics') {
    const { contentType, body } = await handlers.metrics();
    res.writeHead(200, { 'content-type': contentType }).end(body);
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
  }
}
