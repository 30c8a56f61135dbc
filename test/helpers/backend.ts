// A real HTTP backend on 127.0.0.1 that records every request, for integration tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  jobId: string;
  attempt: number;
  receivedAt: number;
  /** Set when the client went away before the response was sent (aborted request). */
  abortedAt?: number;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface TestBackend {
  url: string;
  requests: RecordedRequest[];
  requestsFor(jobId: string): RecordedRequest[];
  /** Replaces the handler for one path. */
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

/** Routes every test backend has: `/status/<code>` answers with that code, `/slow` waits `payload.ms` first. */
const BUILT_IN_ROUTES: Record<string, Handler> = {
  '/status/*': (req, res) => json(res, Number(req.path.split('/')[2]), { error: `status ${req.path}` }),
  '/slow': async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, (req.body as { ms: number }).ms));
    if (!res.destroyed) json(res, 200, { slept: true });
  },
};

export async function startTestBackend(routes: Record<string, Handler> = {}): Promise<TestBackend> {
  const table = new Map(Object.entries({ ...BUILT_IN_ROUTES, ...routes }));
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const record: RecordedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
        jobId: String(req.headers['x-job-id'] ?? ''),
        attempt: Number(req.headers['x-job-attempt'] ?? 0),
        receivedAt: Date.now(),
      };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.abortedAt = Date.now();
      });
      const handler = table.get(path) ?? findTemplate(table, path) ?? defaultHandler;
      Promise.resolve(handler(record, res)).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsFor: (jobId) => requests.filter((r) => r.jobId === jobId),
    route: (path, handler) => table.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function findTemplate(table: Map<string, Handler>, path: string): Handler | undefined {
  for (const [pattern, handler] of table) {
    if (pattern.endsWith('*') && path.startsWith(pattern.slice(0, -1))) return handler;
  }
  return undefined;
}

const defaultHandler: Handler = (req, res) => json(res, 200, { ok: true, echo: req.body });

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
