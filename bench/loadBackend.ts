// The load check's backend on 127.0.0.1: one path, `/call`, answered 200 after 5–20 ms. It
// records every request (arrival, finish, job id, worker) and counts the calls in flight at
// every moment, per worker: the worker is the `x-worker-identity` header when a runner sends
// one, else `unnamed` (one runner process has one worker per backend, so that is its worker).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LOAD_BACKEND_PATHS = ['/call'];
const MIN_MS = 5;
const MAX_MS = 20;

export interface LoadCall {
  jobId: string;
  worker: string;
  arrivedAt: number;
  finishedAt?: number;
  /** The caller went away before the answer. */
  aborted?: boolean;
}

export interface LoadBackend {
  url: string;
  calls: LoadCall[];
  /** Calls in flight now, per worker. */
  inFlight: Map<string, number>;
  /** The most calls ever in flight at once, per worker, since the last reset. */
  maxInFlight: Map<string, number>;
  /** The most calls in flight at once, whatever their worker. */
  maxInFlightTotal(): number;
  /** Forgets the calls so far and the maxima (e.g. after a runner's probe job). */
  reset(): void;
  close(): Promise<void>;
}

export async function startLoadBackend(): Promise<LoadBackend> {
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let total = 0;
  let maxTotal = 0;
  const backend: LoadBackend = {
    url: '',
    calls: [],
    inFlight,
    maxInFlight,
    maxInFlightTotal: () => maxTotal,
    reset() {
      backend.calls = [];
      maxInFlight.clear();
      for (const [worker, n] of inFlight) maxInFlight.set(worker, n);
      maxTotal = total;
    },
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    // Counted from the request's arrival (headers read), not from the end of its body.
    const worker = String(req.headers['x-worker-identity'] ?? 'unnamed');
    const call: LoadCall = { jobId: String(req.headers['x-job-id'] ?? ''), worker, arrivedAt: Date.now() };
    backend.calls.push(call);
    const now = (inFlight.get(worker) ?? 0) + 1;
    inFlight.set(worker, now);
    maxInFlight.set(worker, Math.max(maxInFlight.get(worker) ?? 0, now));
    total++;
    maxTotal = Math.max(maxTotal, total);
    let counted = true;
    const finish = (aborted: boolean) => {
      if (!counted) return;
      counted = false;
      call.finishedAt = Date.now();
      if (aborted) call.aborted = true;
      inFlight.set(worker, (inFlight.get(worker) ?? 1) - 1);
      total--;
    };
    res.on('finish', () => finish(false));
    res.on('close', () => finish(!res.writableFinished));
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/call') {
        res.writeHead(404).end();
        return;
      }
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, MIN_MS + Math.random() * (MAX_MS - MIN_MS));
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

/** Per job id, how many calls it got; and how many calls there were in all. */
export function callsPerJob(calls: readonly LoadCall[]): Map<string, number> {
  const perJob = new Map<string, number>();
  for (const call of calls) perJob.set(call.jobId, (perJob.get(call.jobId) ?? 0) + 1);
  return perJob;
}

/**
 * The most calls in flight at once, per worker, from the recorded intervals: a second count,
 * independent of the live counter (an interval still open counts as open until now).
 */
export function maxOverlapPerWorker(calls: readonly LoadCall[]): Map<string, number> {
  const events = new Map<string, [number, number][]>();
  for (const c of calls) {
    const list = events.get(c.worker) ?? [];
    // Ends sort before starts at the same ms: a call answered at t frees its slot for one arriving at t.
    list.push([c.arrivedAt, 1], [c.finishedAt ?? Number.MAX_SAFE_INTEGER, -1]);
    events.set(c.worker, list);
  }
  const result = new Map<string, number>();
  for (const [worker, list] of events) {
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let max = 0;
    for (const [, delta] of list) max = Math.max(max, (open += delta));
    result.set(worker, max);
  }
  return result;
}
