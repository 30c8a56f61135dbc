// The example app's backend (examples/backend.ts, compiled to dist/examples/backend.js) as a
// process of its own, for the docker-compose stack:
//
//   node deploy/example-backend.mjs
//
// Environment: EXAMPLE_BACKEND_PORT (default 3660), EXAMPLE_BACKEND_HOST (default 0.0.0.0: in a
// container the runner reaches it over the compose network, not loopback), EXAMPLE_BACKEND_TOKEN
// (the bearer token it requires; must match auth.token in the runner's sp00ky.yml; unset = none).
// Plain JavaScript on purpose: it runs from the image's compiled output, without tsx.
import { startExampleBackend } from '../dist/examples/backend.js';

const port = Number(process.env.EXAMPLE_BACKEND_PORT ?? 3660);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('EXAMPLE_BACKEND_PORT: expected a port number (0-65535), e.g. 3660');
  process.exit(2);
}
const host = process.env.EXAMPLE_BACKEND_HOST || '0.0.0.0';
const token = process.env.EXAMPLE_BACKEND_TOKEN || undefined;

const backend = await startExampleBackend({ port, host, token, log: (line) => console.log(line) });

const address = backend.server.address();
const where = address && typeof address === 'object' ? `${address.address}:${address.port}` : String(address);
console.log(`example backend listening on ${where}${token ? ' (bearer token required)' : ''}`);

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping example backend`);
  backend.server.closeIdleConnections?.();
  void backend.close().then(() => process.exit(0));
  // Do not hang on a keep-alive connection.
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
