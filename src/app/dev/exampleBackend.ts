// The example app's backend: a tiny HTTP server with the routes of api/openapi.yml.
// It checks the bearer token and logs each call with its idempotency key and attempt.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExampleBackend {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startExampleBackend(options: {
  port?: number;
  /** Listen address; 127.0.0.1 by default, 0.0.0.0 in a container. */
  host?: string;
  token?: string;
  log?: (line: string) => void;
}): Promise<ExampleBackend> {
  const failuresSeen = new Map<string, number>();
  const log = options.log ?? (() => undefined);
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return send(401, { error: 'bad token' });
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      log(`backend: POST ${req.url} job=${String(req.headers['x-job-id'])} attempt=${String(req.headers['x-job-attempt'])}`);
      switch (req.url) {
        case '/spookify':
          return send(200, { id: input['id'], title: '👻 a spooky thread' });
        case '/send-reminder':
          return send(200, { sent: true, to: input['to'] });
        case '/reports/nightly':
          return send(200, { built: input['kind'] });
        case '/digest':
          return send(200, { sent: true });
        case '/flaky': {
          const key = String(input['key']);
          const seen = failuresSeen.get(key) ?? 0;
          if (seen < Number(input['failures'] ?? 1)) {
            failuresSeen.set(key, seen + 1);
            return send(503, { error: `not yet (failure ${seen + 1})` });
          }
          return send(200, { ok: true, after: seen });
        }
        default:
          return send(404, { error: `no route ${req.url}` });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
