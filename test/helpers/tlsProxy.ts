// A TLS-terminating TCP proxy (ALPN h2, as gRPC needs) in front of a plaintext server, such as
// the Temporal dev server; with `requireClientCert` it is an mTLS endpoint that refuses a
// client without a certificate its CA signed.
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { readFile } from 'node:fs/promises';

export interface TlsProxy {
  address: string;
  /** Connections that completed the handshake (and were forwarded). */
  readonly accepted: number;
  /** Handshakes refused, with the reason (e.g. "peer did not return a certificate"). */
  readonly refusals: string[];
  close(): Promise<void>;
}

export async function startTlsProxy(options: {
  target: { host: string; port: number };
  certFile: string;
  keyFile: string;
  /** CA that signs the client certificates; with it, a client must present one. */
  clientCaFile?: string;
}): Promise<TlsProxy> {
  const [cert, key, ca] = await Promise.all([
    readFile(options.certFile),
    readFile(options.keyFile),
    options.clientCaFile ? readFile(options.clientCaFile) : undefined,
  ]);
  const sockets = new Set<net.Socket>();
  const refusals: string[] = [];
  let accepted = 0;
  const server = tls.createServer(
    { cert, key, ALPNProtocols: ['h2'], ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}) },
    (client) => {
      accepted++;
      const upstream = net.connect(options.target.port, options.target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    },
  );
  server.on('tlsClientError', (error) => refusals.push(error.message));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A gRPC endpoint over TLS that refuses every call as UNAUTHENTICATED, as Temporal Cloud answers
 * a wrong API key (the dev server checks none). Records the Authorization headers it saw.
 */
export async function startRefusingGrpcServer(options: { certFile: string; keyFile: string }): Promise<TlsProxy & { authorizations: string[] }> {
  const [cert, key] = await Promise.all([readFile(options.certFile), readFile(options.keyFile)]);
  const authorizations: string[] = [];
  let accepted = 0;
  const server = http2.createSecureServer({ cert, key, ALPNProtocols: ['h2'] });
  server.on('secureConnection', () => accepted++);
  server.on('stream', (stream, headers) => {
    authorizations.push(String(headers['authorization'] ?? ''));
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'Request unauthorized.' },
      { endStream: true },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  return {
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    refusals: [],
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
