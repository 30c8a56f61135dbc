// What `codec-server` serves with: the runner's codec keys (SPKY_CODEC_KEYS / SPKY_CODEC_KEY_FILE),
// the bearer token (SPKY_CODEC_SERVER_TOKEN / SPKY_CODEC_SERVER_TOKEN_FILE / --token-file), the Web
// UI origins allowed by CORS (--ui-origin / SPKY_CODEC_UI_ORIGIN) and the address (127.0.0.1 by
// default). A token is required unless --no-token, which only a loopback address accepts.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { configError } from './configErrors.js';
import { resolveCodecKeys, type PayloadCodecConfig } from './codecKeys.js';

export const CODEC_SERVER_DEFAULTS = { host: '127.0.0.1', port: 8888, uiOrigin: 'http://localhost:8233' } as const;
const MIN_TOKEN_LENGTH = 16;

export interface CodecServerFlags {
  host?: string;
  port?: number;
  uiOrigin?: string[];
  tokenFile?: string;
  /** false: `--no-token` (serve without a token, loopback only). */
  token?: boolean;
}

export interface CodecServerConfig {
  codec: PayloadCodecConfig;
  host: string;
  port: number;
  uiOrigins: string[];
  /** Secret. Undefined only with --no-token on a loopback address. */
  token?: string;
}

export function resolveCodecServerConfig(flags: CodecServerFlags, env: NodeJS.ProcessEnv = process.env): CodecServerConfig {
  const codec = resolveCodecKeys(env, undefined, 'flags', []);
  if (!codec) {
    throw configError('environment', 'SPKY_CODEC_KEYS', "expected the runner's codec keys here or in SPKY_CODEC_KEY_FILE: the codec server decrypts with them", []);
  }
  const secrets = codec.keys.map((k) => k.key);
  const host = flags.host ?? CODEC_SERVER_DEFAULTS.host;
  const token = resolveToken(flags, env, secrets);
  if (token === undefined && !isLoopback(host)) {
    throw configError('flags', '--no-token', `serving without a token is allowed on a loopback address only, not ${host}: set SPKY_CODEC_SERVER_TOKEN or bind 127.0.0.1`, secrets);
  }
  const fromFlags = Boolean(flags.uiOrigin?.length);
  const originText = fromFlags ? flags.uiOrigin!.join(',') : env.SPKY_CODEC_UI_ORIGIN || CODEC_SERVER_DEFAULTS.uiOrigin;
  const where = fromFlags ? { source: 'flags', key: '--ui-origin' } : { source: 'environment', key: 'SPKY_CODEC_UI_ORIGIN' };
  const uiOrigins = originText.split(',').map((o) => o.trim()).filter(Boolean).map((o) => checkOrigin(o, where, secrets));
  return { codec, host, port: flags.port ?? CODEC_SERVER_DEFAULTS.port, uiOrigins, ...(token !== undefined ? { token } : {}) };
}

function resolveToken(flags: CodecServerFlags, env: NodeJS.ProcessEnv, secrets: string[]): string | undefined {
  const file = flags.tokenFile ? { key: '--token-file', path: flags.tokenFile } : env.SPKY_CODEC_SERVER_TOKEN_FILE ? { key: 'SPKY_CODEC_SERVER_TOKEN_FILE', path: env.SPKY_CODEC_SERVER_TOKEN_FILE } : undefined;
  const source = file?.key === '--token-file' ? 'flags' : 'environment';
  if (flags.token === false) {
    if (file || env.SPKY_CODEC_SERVER_TOKEN) throw configError('flags', '--no-token', 'a token is configured too: drop --no-token, or unset the token', secrets);
    return undefined;
  }
  let token = env.SPKY_CODEC_SERVER_TOKEN || undefined;
  if (token && file) throw configError('environment', 'SPKY_CODEC_SERVER_TOKEN', `${file.key} is set too: give the token in one place only`, secrets);
  if (file) {
    try {
      token = readFileSync(file.path, 'utf8').trim();
    } catch (error) {
      throw configError(source, file.key, `cannot read ${file.path} (${(error as NodeJS.ErrnoException).code ?? 'read error'}): expected a file holding the token`, secrets);
    }
  }
  if (token === undefined) {
    throw configError(
      'environment',
      'SPKY_CODEC_SERVER_TOKEN',
      'expected a bearer token (or SPKY_CODEC_SERVER_TOKEN_FILE / --token-file; make one with: openssl rand -hex 32); --no-token serves without one, on 127.0.0.1 only',
      secrets,
    );
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw configError(file ? source : 'environment', file?.key ?? 'SPKY_CODEC_SERVER_TOKEN', `expected a token of at least ${MIN_TOKEN_LENGTH} characters (openssl rand -hex 32)`, secrets);
  }
  return token;
}

function checkOrigin(origin: string, where: { source: string; key: string }, secrets: string[]): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    // reported below
  }
  const normalised = url && /^https?:$/.test(url.protocol) ? url.origin : undefined;
  if (!normalised || normalised !== origin.replace(/\/$/, '')) {
    throw configError(where.source, where.key, `expected the Web UI's origin as scheme://host[:port] (e.g. http://localhost:8233), not ${JSON.stringify(origin)}`, secrets);
  }
  return normalised;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}
