// TLS, mTLS and the API key for Temporal: the options both SDK connections take, a handshake
// probe that explains a TLS failure before the SDK hides it behind a deadline, and the mapping
// of what the SDKs throw (refused API key, rustls errors) to one line that names the setting.
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalConnectionConfig } from '../../core/interfaces.js';
import { ConfigError, CredentialsRefusedError, TlsHandshakeError } from '../../core/errors.js';
import { HTTP2_PREFACE, probeTls, type TlsProbeOutcome } from '../network/probeTls.js';
import { splitHostPort } from '../network/probeTcp.js';

const NAMES = {
  caFile: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  certFile: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  keyFile: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  serverName: 'TEMPORAL_TLS_SERVER_NAME',
} as const;

/** What Connection.connect and NativeConnection.connect take besides the address. */
export interface TemporalSecurityOptions {
  tls?: TLSConfig | false;
  apiKey?: string;
}

/** Whether the connection uses TLS (an API key implies it unless TLS is switched off). */
export function usesTls(config: TemporalConnectionConfig): boolean {
  return config.tls === false ? false : config.tls !== undefined || config.apiKey !== undefined;
}

/** How the runner authenticates to Temporal, for the "runner started" line (never the secret). */
export function temporalSecurity(config: TemporalConnectionConfig): string {
  if (!usesTls(config)) return config.apiKey ? 'plaintext, API key' : 'plaintext';
  const tls = config.tls || {};
  return [tls.certFile ? 'mTLS' : 'TLS', ...(config.apiKey ? ['API key'] : [])].join(', ');
}

function readPem(config: TemporalConnectionConfig, field: 'caFile' | 'certFile' | 'keyFile'): Buffer | undefined {
  const file = config.tls ? config.tls[field] : undefined;
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(
      'temporal',
      `tls.${field} (${NAMES[field]})`,
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'read error'}): expected a readable PEM file; fix the path`,
    );
  }
}

/** Reads the PEM files now: the SDK options for both connections. */
export function temporalSecurityOptions(config: TemporalConnectionConfig): TemporalSecurityOptions {
  const apiKey = config.apiKey ? { apiKey: config.apiKey } : {};
  if (config.tls === false) return { tls: false, ...apiKey };
  if (!usesTls(config)) return apiKey;
  const ca = readPem(config, 'caFile');
  const crt = readPem(config, 'certFile');
  const key = readPem(config, 'keyFile');
  const tls: TLSConfig = {
    ...(config.tls?.serverName ? { serverNameOverride: config.tls.serverName } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
  return { tls, ...apiKey };
}

function where(config: TemporalConnectionConfig): string {
  return `cannot connect to Temporal at ${config.address} (namespace ${config.namespace})`;
}

/**
 * With TLS on: a handshake with the same CA, client certificate and server name as the SDK,
 * so a wrong CA, a missing client certificate or a plaintext server fails now with its reason.
 */
export async function assertTemporalTls(config: TemporalConnectionConfig, options: TemporalSecurityOptions, timeoutMs = 5_000): Promise<void> {
  const target = splitHostPort(config.address);
  if (!target || !options.tls) return;
  const tls = options.tls;
  const outcome = await probeTls({
    host: target.host,
    port: target.port,
    ...(tls.serverRootCACertificate ? { ca: tls.serverRootCACertificate } : {}),
    ...(tls.clientCertPair ? { cert: tls.clientCertPair.crt, key: tls.clientCertPair.key } : {}),
    ...(tls.serverNameOverride ? { servername: tls.serverNameOverride } : {}),
    ALPNProtocols: ['h2'],
    hello: HTTP2_PREFACE,
    timeoutMs,
  });
  if (outcome.kind !== 'ok') throw tlsRefusal(config, outcome);
}

/** One line per way the handshake fails, naming what to set. */
export function tlsRefusal(config: TemporalConnectionConfig, outcome: Exclude<TlsProbeOutcome, { kind: 'ok' }>, cause?: unknown): TlsHandshakeError {
  const tls = config.tls || {};
  const name = tls.serverName ?? splitHostPort(config.address)?.host ?? config.address;
  const fix: Record<TlsProbeOutcome['kind'], string> = {
    ok: '',
    untrusted: tls.caFile
      ? `the server's certificate is not signed by ${NAMES.caFile} / temporal.tls.caFile (${tls.caFile}) (${outcome.detail}): point it at the CA that signed the server's certificate`
      : `the server's certificate is not signed by a CA this system trusts (${outcome.detail}): set ${NAMES.caFile} to the PEM file of the CA that signed it`,
    expired: `the server's certificate has expired or is not valid yet (${outcome.detail}): renew it on the server, or check this machine's clock`,
    'name-mismatch': `the server's certificate is not valid for ${name} (${outcome.detail}): set ${NAMES.serverName} to a name the certificate lists`,
    'client-cert-required':
      `the server requires a client certificate (mTLS) and none was given: set ${NAMES.certFile} and ${NAMES.keyFile} ` +
      '(or temporal.tls.certFile and keyFile) to a certificate signed by a CA the server trusts',
    'client-cert-refused': `the server refused the client certificate ${tls.certFile ?? ''} (${outcome.detail}): use one signed by a CA in the server's client CAs (clientCaFiles)`,
    'not-tls': `the server does not speak TLS (${outcome.detail}): it is a plaintext server; unset TEMPORAL_TLS, the TEMPORAL_TLS_* settings and TEMPORAL_API_KEY, or point TEMPORAL_ADDRESS at its TLS port`,
    closed: `the TLS handshake failed (${outcome.detail}): check TEMPORAL_ADDRESS and the TLS settings (TEMPORAL_TLS_*)`,
    timeout: `the TLS handshake failed (${outcome.detail}): check TEMPORAL_ADDRESS and the TLS settings (TEMPORAL_TLS_*)`,
    other: `the TLS handshake failed (${outcome.detail}): check TEMPORAL_ADDRESS and the TLS settings (TEMPORAL_TLS_*)`,
  };
  return new TlsHandshakeError('Temporal', config.address, `${where(config)}: ${fix[outcome.kind]}`, cause === undefined ? undefined : { cause });
}

/** gRPC status codes of a refused credential. */
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;

/**
 * What a connect error of either SDK means when it is about TLS or the API key, as one line;
 * undefined for anything else (the caller reports it as unreachable).
 */
export function explainTemporalConnectError(config: TemporalConnectionConfig, error: unknown): Error | undefined {
  const grpc = findGrpcStatus(error);
  const text = messages(error);
  const refused =
    grpc?.code === UNAUTHENTICATED ||
    grpc?.code === PERMISSION_DENIED ||
    /does not have valid authentication credentials|caller does not have permission/i.test(text);
  if (refused) {
    const serverSays = grpc?.details || /message: "([^"]*)"/.exec(text)?.[1] || 'unauthenticated';
    const what = config.apiKey ? 'the API key (TEMPORAL_API_KEY / temporal.apiKey)' : 'the connection: it needs credentials';
    const fix = config.apiKey
      ? `check that the key is valid, not expired, and has access to namespace ${config.namespace}`
      : 'set TEMPORAL_API_KEY (Temporal Cloud) or a client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH)';
    return new CredentialsRefusedError('Temporal', `${where(config)}: the server refused ${what} (${serverSays}): ${fix}`, { cause: error });
  }
  // The worker's connection (Rust, rustls) reports TLS failures in its message.
  const rustls: [RegExp, TlsProbeOutcome['kind']][] = [
    [/UnknownIssuer|BadSignature|UnknownCA/i, 'untrusted'],
    [/NotValidForName/i, 'name-mismatch'],
    [/Expired|NotValidYet/i, 'expired'],
    [/CertificateRequired/i, config.tls && config.tls.certFile ? 'client-cert-refused' : 'client-cert-required'],
    [/BadCertificate|AccessDenied/i, 'client-cert-refused'],
    [/InvalidContentType|CorruptMessage/i, 'not-tls'],
  ];
  if (usesTls(config)) {
    for (const [pattern, kind] of rustls) {
      const match = pattern.exec(text);
      if (match && kind !== 'ok') return tlsRefusal(config, { kind, detail: match[0] } as Exclude<TlsProbeOutcome, { kind: 'ok' }>, error);
    }
  }
  return undefined;
}

/**
 * For a plaintext connection that failed: does the server speak TLS? Then say to switch it on
 * (the SDKs only say "failed to connect before the deadline" or "broken pipe").
 */
export async function explainPlaintextFailure(config: TemporalConnectionConfig, cause: unknown): Promise<TlsHandshakeError | undefined> {
  const target = splitHostPort(config.address);
  if (!target || usesTls(config)) return undefined;
  const outcome = await probeTls({ host: target.host, port: target.port, verify: false, ALPNProtocols: ['h2'], hello: HTTP2_PREFACE, timeoutMs: 3_000 });
  const speaksTls = outcome.kind === 'ok' || outcome.kind === 'client-cert-required' || outcome.kind === 'client-cert-refused';
  if (!speaksTls) return undefined;
  return new TlsHandshakeError(
    'Temporal',
    config.address,
    `${where(config)}: the server speaks TLS and the runner connects without it: set TEMPORAL_TLS=true ` +
      `(with ${NAMES.caFile} if its certificate is self-signed, ${NAMES.certFile} and ${NAMES.keyFile} for mTLS, or TEMPORAL_API_KEY for Temporal Cloud)`,
    { cause },
  );
}

function findGrpcStatus(error: unknown): { code: number; details?: string } | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (typeof code === 'number') return { code, ...(typeof details === 'string' ? { details } : {}) };
  }
  return undefined;
}

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String((e as Error).message ?? e));
  }
  return parts.join(' | ');
}
