// A TLS handshake probe, run before a client whose own TLS failure would be a long retry loop
// or a vague "failed to connect before the deadline": it tells why the handshake fails, so the
// caller can name the setting to change. Pure Node `tls`; reads no file.
import tls from 'node:tls';

export type TlsProbeOutcome =
  /** The handshake completed and the server answered (or stayed silent without refusing). */
  | { kind: 'ok' }
  /** The server's certificate is not signed by the given CA (or the system's). */
  | { kind: 'untrusted'; detail: string }
  /** The server's certificate has expired or is not valid yet. */
  | { kind: 'expired'; detail: string }
  /** The server's certificate does not name the host (or server name) we asked for. */
  | { kind: 'name-mismatch'; detail: string }
  /** The server requires a client certificate and none was sent. */
  | { kind: 'client-cert-required'; detail: string }
  /** The server refused the client certificate that was sent. */
  | { kind: 'client-cert-refused'; detail: string }
  /** The server answered, but not with TLS (a plaintext server). */
  | { kind: 'not-tls'; detail: string }
  /** The server closed the connection during the handshake, or did not finish it in time. */
  | { kind: 'closed' | 'timeout' | 'other'; detail: string };

export interface TlsProbeOptions {
  host: string;
  port: number;
  /** PEM CA(s) to verify the server with; default the system's. */
  ca?: string | Uint8Array;
  /** PEM client certificate and key (mTLS). */
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  /** Name to verify the certificate against and send as SNI; default `host`. */
  servername?: string;
  /** Verify the server (default true); false only asks "does it speak TLS at all?". */
  verify?: boolean;
  ALPNProtocols?: string[];
  /** Bytes to send once the handshake completes, so a refusal sent after it (TLS 1.3 mTLS) is seen. */
  hello?: Buffer;
  timeoutMs: number;
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_UNKNOWN_PROTOCOL']);

/** How long to wait after the handshake for a refusal when the server sends nothing. */
const SETTLE_MS = 300;

/** Sorts a handshake error into what the caller can tell the user. */
export function classifyTlsError(error: NodeJS.ErrnoException, sentClientCert: boolean): TlsProbeOutcome {
  const code = error.code ?? '';
  const detail = `${code ? `${code}: ` : ''}${firstLine(error.message)}`;
  if (UNTRUSTED.has(code)) return { kind: 'untrusted', detail };
  if (EXPIRED.has(code)) return { kind: 'expired', detail };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { kind: 'name-mismatch', detail: firstLine(error.message) };
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') {
    return sentClientCert ? { kind: 'client-cert-refused', detail } : { kind: 'client-cert-required', detail };
  }
  // TLS 1.2 servers answer a missing client certificate with a bare handshake failure.
  if (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' && !sentClientCert) return { kind: 'client-cert-required', detail };
  if (CLIENT_CERT_REFUSED.has(code)) return { kind: 'client-cert-refused', detail };
  if (NOT_TLS.has(code)) return { kind: 'not-tls', detail };
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket disconnected|socket hang up/i.test(error.message)) return { kind: 'closed', detail };
  return { kind: 'other', detail };
}

export function probeTls(options: TlsProbeOptions): Promise<TlsProbeOutcome> {
  const sentClientCert = Boolean(options.cert);
  return new Promise((resolve) => {
    let socket: tls.TLSSocket | undefined;
    let settled = false;
    const done = (outcome: TlsProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(settle);
      socket?.destroy();
      resolve(outcome);
    };
    let settle: NodeJS.Timeout | undefined;
    const deadline = setTimeout(
      () => done({ kind: 'timeout', detail: `no TLS handshake with ${options.host}:${options.port} within ${Math.round(options.timeoutMs / 1000)} s` }),
      options.timeoutMs,
    );
    try {
      socket = tls.connect({
        host: options.host,
        port: options.port,
        ...(options.ca !== undefined ? { ca: pem(options.ca) } : {}),
        ...(options.cert !== undefined && options.key !== undefined ? { cert: pem(options.cert), key: pem(options.key) } : {}),
        // Node sends no SNI for an IP address, and checks the certificate against the IP then.
        ...(options.servername ? { servername: options.servername } : {}),
        ...(options.servername ? { checkServerIdentity: (_host, cert) => tls.checkServerIdentity(options.servername!, cert) } : {}),
        rejectUnauthorized: options.verify ?? true,
        ...(options.ALPNProtocols ? { ALPNProtocols: options.ALPNProtocols } : {}),
      });
    } catch (error) {
      done(classifyTlsError(error as NodeJS.ErrnoException, sentClientCert));
      return;
    }
    let handshook = false;
    socket.once('secureConnect', () => {
      handshook = true;
      if (options.hello) socket!.write(options.hello);
      settle = setTimeout(() => done({ kind: 'ok' }), SETTLE_MS);
    });
    socket.once('data', () => done({ kind: 'ok' }));
    socket.once('error', (error: NodeJS.ErrnoException) => done(classifyTlsError(error, sentClientCert)));
    socket.once('close', () =>
      done(handshook ? { kind: 'ok' } : { kind: 'closed', detail: `${options.host}:${options.port} closed the connection during the TLS handshake` }),
    );
  });
}

/** The HTTP/2 client preface: a gRPC server answers it with its SETTINGS frame. */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

function pem(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value);
}

function firstLine(text: string): string {
  // OpenSSL's messages read "<hex>:error:<code>:SSL routines:<fn>:<reason>:<file>:<line>:...": keep the reason.
  const openssl = /:SSL routines:[^:]*:([^:]+):/.exec(text);
  return (openssl?.[1] ?? text.split('\n')[0] ?? text).trim();
}
