// The chaos run's backend on 127.0.0.1: records every request with its Idempotency-Key and
// what it answered. The path says how to behave, so each job row carries its own script:
//   /ok          200 at once
//   /flaky/<n>   500 for the first n requests of a key, then 200
//   /fail        500 always
//   /slow/<ms>   200 after <ms> (or never, when the caller goes away first)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The backend has no OpenAPI spec: these are its paths, as the runner's `allowedPaths`. */
export const COUNTING_BACKEND_PATHS = ['/ok', '/flaky/{n}', '/fail', '/slow/{ms}'];

export interface CountedRequest {
  jobId: string;
  key: string;
  attempt: number;
  path: string;
  receivedAt: number;
  /** HTTP status sent, or undefined when the caller went away before the answer. */
  status?: number;
  answeredAt?: number;
  /** When the caller went away before the answer (an aborted call: a kill, a timeout). */
  abortedAt?: number;
}

export interface CountingBackend {
  url: string;
  requests: CountedRequest[];
  /** Called for each request as it arrives (the chaos run kills workers mid-call with it). */
  onRequest?: (request: CountedRequest) => void;
  close(): Promise<void>;
}

export async function startCountingBackend(): Promise<CountingBackend> {
  const requests: CountedRequest[] = [];
  const seenPerKey = new Map<string, number>();
  const backend: CountingBackend = { url: '', requests, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const key = String(req.headers['idempotency-key'] ?? '');
      const record: CountedRequest = {
        jobId: String(req.headers['x-job-id'] ?? ''),
        key,
        attempt: Number(req.headers['x-job-attempt'] ?? 0),
        path,
        receivedAt: Date.now(),
      };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.abortedAt = Date.now();
      });
      const seen = (seenPerKey.get(key) ?? 0) + 1;
      seenPerKey.set(key, seen);
      backend.onRequest?.(record);
      const answer = (status: number) => {
        if (res.destroyed) return;
        record.status = status;
        record.answeredAt = Date.now();
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 300 ? { ok: true, key } : { error: `scripted ${status}` }));
      };
      const [, kind, arg] = path.split('/');
      if (kind === 'ok') answer(200);
      else if (kind === 'flaky') answer(seen <= Number(arg) ? 500 : 200);
      else if (kind === 'fail') answer(500);
      else if (kind === 'slow') setTimeout(() => answer(200), Number(arg));
      else answer(404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  backend.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return backend;
}
