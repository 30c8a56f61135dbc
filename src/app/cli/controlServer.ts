// The dev instance's control endpoint: HTTP + JSON on 127.0.0.1 only, so `jobs` commands in
// another terminal can use the embedded SurrealDB (which only one process can open).
// Guarded by a bearer token (kept in <dataDir>/dev.json, mode 0600) and a Host check
// (no DNS rebinding); JSON bodies only (no form posts from web pages).
//
// Routes (all under /v1, responses are JSON; errors are { error: { kind, message, matches? } }):
//   GET  /v1/health                  { ok, pid }
//   GET  /v1/info                    BackendInfo
//   GET  /v1/stats                   JobStats
//   GET  /v1/queues                  { queues: QueueView[] } (queues with pending jobs, served or not)
//   GET  /v1/jobs?status&table&limit { jobs: JobView[] }
//   POST /v1/jobs                    EnqueueRequest → { id }
//   GET  /v1/jobs/:ref               { job: JobView }
//   POST /v1/jobs/:ref/kill          KillOutcome
//   POST /v1/jobs/:ref/retry         RetryOutcome
//   POST /v1/clear                   { all?, olderThanMs? } → { deleted: { <table>: n } }
//                                    { dryRun: true, olderThanMs?, limit? } → { dryRun: true, cutoff?, wouldDelete: { <table>: n }, jobs: ExpiredJob[] }
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  InvalidJobError,
  JobNotFoundError,
  JobStateError,
  UnreachableError,
  UnsafePathError,
} from '../../core/errors.js';
import { ClearOptionsError } from '../../adapters/sql/pruneJobs.js';
import { AmbiguousJobIdError, UsageError } from './cliErrors.js';
import { JOB_STATUSES, type JobsBackend } from './jobsBackend.js';

export const DEFAULT_CONTROL_PORT = 8765;
const HOST = '127.0.0.1';
// Above any sensible payload limit (default 1 MiB): the backend's own limit decides, and names itself.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ControlServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface ErrorBody {
  error: { kind: string; message: string; matches?: string[] };
}

const listQuery = z.object({
  status: z.enum(JOB_STATUSES as [string, ...string[]], { error: `expected status one of ${JOB_STATUSES.join(', ')}` }).optional(),
  table: z.string().min(1).optional(),
  limit: z.coerce.number({ error: 'expected limit as a positive whole number' }).int().positive().max(100_000).optional(),
});

const enqueueBody = z
  .object({
    backend: z.string({ error: 'expected backend (string)' }).min(1),
    path: z.string({ error: 'expected path (string)' }).min(1),
    payload: z.unknown(),
    delay: z.number().int().nonnegative().optional(),
    maxRetries: z.number().int().nonnegative().optional(),
    retryStrategy: z.enum(['linear', 'exponential']).optional(),
    timeout: z.number().int().positive().optional(),
    assignedTo: z.string().min(1).optional(),
    idempotencyKey: z.string().min(1).max(255).optional(),
    priority: z.union([z.string(), z.number()]).optional(),
    queue: z.string().min(1).optional(),
    fairnessKey: z.string().min(1).max(255).optional(),
  })
  .strict();

const clearBody = z
  .object({
    all: z.boolean().optional(),
    olderThanMs: z.number({ error: 'expected olderThanMs as milliseconds (a whole number ≥ 0)' }).int().nonnegative().optional(),
    dryRun: z.boolean().optional(),
    /** Dry run: jobs listed per table. */
    limit: z.number({ error: 'expected limit as a whole number from 0 to 10000' }).int().nonnegative().max(10_000).optional(),
  })
  .strict();

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status and body for an error thrown by a JobsBackend operation. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  const message = error instanceof Error ? error.message : String(error);
  const body = (kind: string, extra: Partial<ErrorBody['error']> = {}) => ({ error: { kind, message, ...extra } });
  if (error instanceof HttpError) return { status: error.status, body: body(error.kind) };
  if (error instanceof AmbiguousJobIdError) return { status: 409, body: body('ambiguous', { matches: error.matches }) };
  if (error instanceof JobNotFoundError) return { status: 404, body: body('not-found') };
  if (error instanceof JobStateError) return { status: 409, body: body('state') };
  // A value over the backend's limits (payload size, delay, ...) is bad usage to the CLI (exit 2).
  if (error instanceof InvalidJobError && error.field) return { status: 422, body: body('invalid-value') };
  if (error instanceof InvalidJobError || error instanceof UnsafePathError) return { status: 422, body: body('invalid') };
  if (error instanceof UsageError || error instanceof ClearOptionsError) return { status: 400, body: body('usage') };
  if (error instanceof UnreachableError) return { status: 503, body: body('unreachable') };
  return { status: 500, body: body('internal') };
}

export async function startControlServer(options: {
  backend: JobsBackend;
  token: string;
  /** Default 8765. */
  port?: number;
  /** When the port is taken, listen on a free one instead of failing. */
  fallbackToFreePort?: boolean;
  onError?: (error: unknown) => void;
}): Promise<ControlServer> {
  const { backend } = options;
  const expected = Buffer.from(`Bearer ${options.token}`);
  let port = 0;

  const handle = async (req: IncomingMessage): Promise<{ status: number; body: unknown }> => {
    const host = req.headers.host ?? '';
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      throw new HttpError(403, 'forbidden', 'the control endpoint answers requests to 127.0.0.1 only');
    }
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) {
      throw new HttpError(401, 'unauthorized', 'missing or wrong token: read it from <dataDir>/dev.json');
    }
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    if (parts[0] !== 'v1') throw new HttpError(404, 'no-route', `no route ${method} ${url.pathname}`);
    const [, resource, ref, action] = parts;

    if (method === 'GET' && resource === 'health' && !ref) return { status: 200, body: { ok: true, pid: process.pid } };
    if (method === 'GET' && resource === 'info' && !ref) return { status: 200, body: await backend.info() };
    if (method === 'GET' && resource === 'stats' && !ref) return { status: 200, body: await backend.stats() };
    if (method === 'GET' && resource === 'queues' && !ref) {
      if (!backend.queues) return { status: 501, body: { error: { kind: 'unsupported', message: 'this instance cannot report queues' } } };
      return { status: 200, body: { queues: await backend.queues() } };
    }
    if (resource === 'jobs' && ref === undefined) {
      if (method === 'GET') {
        const query = parse(listQuery, Object.fromEntries(url.searchParams));
        const jobs = await backend.list({
          ...(query.status ? { status: query.status as (typeof JOB_STATUSES)[number] } : {}),
          ...(query.table ? { table: query.table } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
        });
        return { status: 200, body: { jobs } };
      }
      if (method === 'POST') {
        const request = parse(enqueueBody, await readJson(req));
        return { status: 201, body: { id: await backend.enqueue(request) } };
      }
    }
    if (resource === 'jobs' && ref !== undefined) {
      if (method === 'GET' && action === undefined) return { status: 200, body: { job: await backend.get(ref) } };
      if (method === 'POST' && action === 'kill' && parts.length === 4) return { status: 200, body: await backend.kill(ref) };
      if (method === 'POST' && action === 'retry' && parts.length === 4) return { status: 200, body: await backend.retry(ref) };
    }
    if (method === 'POST' && resource === 'clear' && !ref) {
      const body = parse(clearBody, (await readJson(req)) ?? {});
      const olderThan = body.olderThanMs !== undefined ? { olderThanMs: body.olderThanMs } : {};
      if (body.dryRun && !body.all) {
        if (!backend.previewClear) throw new HttpError(501, 'usage', 'this instance cannot dry-run a clear');
        const preview = await backend.previewClear({ ...olderThan, ...(body.limit !== undefined ? { limit: body.limit } : {}) });
        return { status: 200, body: { dryRun: true, ...preview } };
      }
      if (body.limit !== undefined) throw new UsageError('limit: it lists the jobs of a dry run; send it with dryRun: true');
      // `all` with olderThanMs or dryRun: the backend refuses it and says how to fix it.
      const deleted = await backend.clear({ all: body.all ?? false, ...olderThan, ...(body.dryRun ? { dryRun: true } : {}) });
      return { status: 200, body: body.dryRun ? { dryRun: true, wouldDelete: deleted, jobs: [] } : { deleted } };
    }
    throw new HttpError(404, 'no-route', `no route ${method} ${url.pathname}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req)
      .then(({ status, body }) => send(res, status, body))
      .catch((error: unknown) => {
        const response = errorResponse(error);
        if (response.status >= 500 && response.body.error.kind === 'internal') options.onError?.(error);
        send(res, response.status, response.body);
      });
  });
  server.keepAliveTimeout = 5_000;

  port = await listen(server, options.port ?? DEFAULT_CONTROL_PORT, options.fallbackToFreePort ?? false);
  return {
    port,
    url: `http://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, fallback: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && fallback && port !== 0) {
        server.listen(0, HOST);
        return;
      }
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new UnreachableError(`control port ${port} on ${HOST} is taken: pass another one with --control-port`)
          : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.on('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'request';
    throw new UsageError(`${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new HttpError(415, 'usage', 'expected a JSON body (content-type: application/json)');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'usage', `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'usage', 'invalid JSON body');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}
