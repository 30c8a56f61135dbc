// In a real browser (headless Chromium): a page served from another origin cannot open the
// SurrealDB endpoint `dev` serves, while a page from an allowed origin can (so the refusal is
// the endpoint's, not a browser or network that blocks everything). Each page reports what its
// WebSocket did to the server that served it. Not part of `npm test`: `npm run test:browser`.
// Skips when no Chromium is installed (apt-get install -y chromium, or set CHROMIUM_PATH).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedEngine, type EmbeddedEngine } from '../../src/adapters/surrealRpc/embeddedEngine.js';
import { serveSurrealRpc, type SurrealRpcServer } from '../../src/adapters/surrealRpc/serveSurrealRpc.js';
import { defineCredentialUser, newCredential } from '../../src/adapters/surrealRpc/rpcCredential.js';

const CHROMIUM = findChromium();

/** CHROMIUM_PATH when set (and only it), else the first of the usual names on PATH. */
function findChromium(): string | undefined {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  for (const candidate of candidates) {
    const found = spawnSync('sh', ['-c', `command -v "${candidate}"`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

interface Page {
  origin: string;
  /** What the page's WebSocket did: `open`, or `error` / `closed <code>`. */
  result: Promise<string>;
  server: Server;
}

/** Serves one page that opens a WebSocket to `socketUrl()` and reports what happened to `/report`. */
async function servePage(socketUrl: () => string): Promise<Page> {
  let report!: (result: string) => void;
  const result = new Promise<string>((resolve) => (report = resolve));
  const html = () => `<!doctype html><title>origin check</title><script>
    const send = (r) => fetch('/report?result=' + encodeURIComponent(r));
    const socket = new WebSocket(${JSON.stringify(`${socketUrl()}/rpc`)}, 'cbor');
    socket.onopen = () => { send('open'); socket.close(); };
    socket.onerror = () => send('error');
    socket.onclose = (event) => send('closed ' + event.code);
  </script>`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://page');
    if (url.pathname === '/report') report(url.searchParams.get('result') ?? '');
    res.writeHead(200, { 'content-type': url.pathname === '/report' ? 'text/plain' : 'text/html' });
    res.end(url.pathname === '/report' ? 'ok' : html());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, result, server };
}

/** Opens the page in headless Chromium and returns its first report; fails after `ms`. */
async function visit(page: Page, profile: string, ms = 30_000): Promise<string> {
  const browser: ChildProcess = spawn(
    CHROMIUM!,
    ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, page.origin + '/'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  browser.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      page.result,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no report from the page at ${page.origin} within ${ms} ms; Chromium said:\n${stderr.slice(-2000)}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    browser.kill('SIGKILL');
  }
}

let engine: EmbeddedEngine;
let endpoint: SurrealRpcServer;
let foreign: Page;
let allowed: Page;
let profileDir: string;
const refusals: string[] = [];

before(async () => {
  if (!CHROMIUM) return;
  profileDir = await mkdtemp(path.join(tmpdir(), 'spooky-chromium-'));
  engine = await openEmbeddedEngine({ url: 'mem://', namespace: 'main', database: 'main' });
  const credential = newCredential();
  await defineCredentialUser(engine.db, credential);
  // The pages first (their origins are known once they listen); they read the endpoint's URL when loaded.
  foreign = await servePage(() => endpoint.url);
  allowed = await servePage(() => endpoint.url);
  endpoint = await serveSurrealRpc({ engine, credential, allowedOrigins: [allowed.origin], onRefused: (reason) => refusals.push(reason) });
});

after(async () => {
  if (!CHROMIUM) return;
  for (const page of [foreign, allowed]) page?.server.close();
  await endpoint?.close();
  await engine?.db.close();
  await rm(profileDir, { recursive: true, force: true });
});

const skip = CHROMIUM ? false : `no Chromium found (${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not a program` : 'none of chromium, chromium-browser, google-chrome on PATH'}): apt-get install -y chromium, or set CHROMIUM_PATH`;

void test('a page from another origin cannot open the socket: the endpoint refuses its upgrade', { skip }, async (t) => {
  const result = await visit(foreign, path.join(profileDir, 'foreign'));
  t.diagnostic(`the page at ${foreign.origin} reported: ${result}`);
  assert.match(result, /^(error|closed 1006)$/, `the page's WebSocket: ${result}`);
  assert.ok(
    refusals.some((reason) => reason === `Origin "${foreign.origin}" is not allowed`),
    `the endpoint saw the page's Origin and refused it; refusals: ${refusals.join(' | ') || '(none)'}`,
  );
});

void test('a page from an allowed origin opens the socket (the browser can reach the endpoint at all)', { skip }, async () => {
  assert.equal(await visit(allowed, path.join(profileDir, 'allowed')), 'open');
});
