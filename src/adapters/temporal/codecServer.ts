// The Temporal Web UI's remote codec endpoint: POST .../decode and .../encode with Temporal's
// JSON body ({"payloads":[{"metadata":{k: base64}, "data": base64}]}), answered in the same shape.
// Only the configured UI origins may call it from a browser (CORS), and with a token configured
// every call needs `Authorization: Bearer <token>`. Bodies are never logged.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { PayloadCodecError } from '../../core/errors.js';

/** Temporal's payload size limit is 2 MiB; a UI call carries a few payloads at most. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  /** 0: a free port. */
  port: number;
  /** Origins (scheme://host:port) of the Web UIs allowed to call from a browser. */
  uiOrigins: readonly string[];
  /** Required as `Authorization: Bearer <token>`; undefined: no token (the caller checked that is allowed). */
  token?: string;
  logger: Logger;
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const origins = new Set(options.uiOrigins);
  const tokenDigest = options.token === undefined ? undefined : digest(options.token);

  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin !== undefined && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.setHeader('Vary', 'Origin');
    void handle(req, res, origin).catch((error: unknown) => {
      const status = error instanceof BadRequest ? error.status : error instanceof PayloadCodecError ? 400 : 500;
      const message = status === 500 ? 'internal error' : (error as Error).message;
      if (status === 500) options.logger.error({ err: error, path: req.url }, 'codec server: a request failed');
      else options.logger.warn({ status, path: req.url }, `codec server: refused a request: ${message}`);
      reply(res, status, { error: message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, origin: string | undefined): Promise<void> {
    // A browser page of any other origin is refused before anything runs.
    if (origin !== undefined && !origins.has(origin)) throw new BadRequest(403, `origin ${origin} is not an allowed UI origin (--ui-origin)`);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    const action = /\/(encode|decode)\/?$/.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
    if (!action) throw new BadRequest(404, 'expected POST /decode or POST /encode');
    if (req.method !== 'POST') throw new BadRequest(405, `expected POST /${action}`);
    if (tokenDigest && !authorised(req.headers.authorization, tokenDigest)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new BadRequest(401, 'expected Authorization: Bearer <the codec server token>');
    }
    const payloads = parsePayloads(await readBody(req));
    const converted = action === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
    reply(res, 200, { payloads: converted.map(toJson) });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares digests in constant time, so the answer's timing tells nothing about the token. */
function authorised(header: string | undefined, tokenDigest: Buffer): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  return given !== undefined && timingSafeEqual(digest(given), tokenDigest);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest(413, `expected a body of at most ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parsePayloads(body: Buffer): Payload[] {
  const shape = 'expected a JSON body {"payloads":[{"metadata":{"encoding":"<base64>"},"data":"<base64>"}]}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequest(400, shape);
  }
  const payloads = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new BadRequest(400, shape);
  return payloads.map((p: JsonPayload) => {
    if (typeof p !== 'object' || p === null) throw new BadRequest(400, shape);
    return {
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64')])),
      data: Buffer.from(p.data ?? '', 'base64'),
    };
  });
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
