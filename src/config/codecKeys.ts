// The payload codec's keys: `<id>:<base64 key>` entries, oldest first (the last one encrypts new
// payloads; the others still decrypt old ones). From the config object (`temporal.codecKeys` /
// `temporal.codecKeyFile`), else SPKY_CODEC_KEYS / SPKY_CODEC_KEY_FILE. A bad entry fails at
// start with one line naming where it came from; no message ever echoes a key.
import { readFileSync } from 'node:fs';
import type { TemporalConnectionConfig } from '../core/interfaces.js';
import { configError } from './configErrors.js';

export type PayloadCodecConfig = NonNullable<TemporalConnectionConfig['codec']>;

/** AES-256 wants exactly this many key bytes. */
export const CODEC_KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const HOW_TO_MAKE = 'make one with: openssl rand -base64 32';

interface Named {
  value: string;
  source: string;
  key: string;
}

/**
 * The codec config, or undefined when no source sets keys (payloads then stay in clear).
 * `override` comes from the config object or code; it wins over the environment.
 */
export function resolveCodecKeys(
  env: NodeJS.ProcessEnv,
  override: { codecKeys?: string; codecKeyFile?: string } | undefined,
  overrideSource: string,
  secrets: readonly string[],
): PayloadCodecConfig | undefined {
  const given = (source: string, pairs: [string, string | undefined][]): Named[] =>
    pairs.filter(([, value]) => value !== undefined && value !== '').map(([key, value]) => ({ source, key, value: value! }));
  const fromOverride = given(overrideSource, [
    ['temporal.codecKeys', override?.codecKeys],
    ['temporal.codecKeyFile', override?.codecKeyFile],
  ]);
  const fromEnv = given('environment', [
    ['SPKY_CODEC_KEYS', env.SPKY_CODEC_KEYS],
    ['SPKY_CODEC_KEY_FILE', env.SPKY_CODEC_KEY_FILE],
  ]);
  const chosen = fromOverride.length > 0 ? fromOverride : fromEnv;
  if (chosen.length === 0) return undefined;
  if (chosen.length > 1) {
    throw configError(chosen[0]!.source, chosen[0]!.key, `${chosen[1]!.key} is set too: give the keys in one place only`, secrets);
  }
  const named = chosen[0]!;
  const isFile = /file$/i.test(named.key);
  const text = isFile ? readKeyFile(named, secrets) : named.value;
  return { keys: parseCodecKeys(text, isFile ? { source: named.source, key: `${named.key} (${named.value})` } : named, secrets) };
}

/** `<id>:<base64>` entries separated by commas, spaces or new lines; `#` starts a comment (in a file). */
export function parseCodecKeys(text: string, where: Omit<Named, 'value'>, secrets: readonly string[]): PayloadCodecConfig['keys'] {
  const entries = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter(Boolean);
  const fail = (expected: string) => configError(where.source, where.key, expected, secrets);
  if (entries.length === 0) throw fail(`expected at least one <key id>:<base64 key> entry (${HOW_TO_MAKE})`);
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const key = colon > 0 ? entry.slice(colon + 1) : '';
    const which = `entry ${i + 1}${KEY_ID.test(id) ? ` (key id ${id})` : ''}`;
    if (colon <= 0) throw fail(`${which}: expected <key id>:<base64 key>, e.g. 2025-01:<44 base64 characters> (${HOW_TO_MAKE})`);
    if (!KEY_ID.test(id)) throw fail(`${which}: expected a key id of letters, digits, '.', '_' or '-' (at most 64), before the ':'`);
    if (!BASE64.test(key)) throw fail(`${which}: the key is not base64: expected ${CODEC_KEY_BYTES} bytes of base64 (${HOW_TO_MAKE})`);
    const bytes = Buffer.from(key, key.includes('-') || key.includes('_') ? 'base64url' : 'base64').length;
    if (bytes !== CODEC_KEY_BYTES) throw fail(`${which}: the key decodes to ${bytes} bytes: expected ${CODEC_KEY_BYTES} bytes of base64 (${HOW_TO_MAKE})`);
    return { id, key };
  });
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) throw fail(`key id ${id} is listed twice: give each key its own id`);
    seen.add(id);
  }
  return keys;
}

const READ_PROBLEMS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory' };

function readKeyFile(file: Named, secrets: readonly string[]): string {
  try {
    return readFileSync(file.value, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw configError(
      file.source,
      file.key,
      `cannot read ${file.value} (${READ_PROBLEMS[code] ?? code}): expected a file with one <key id>:<base64 key> per line, the newest last; fix the path`,
      secrets,
    );
  }
}

/** The key material, for the log scrubber. */
export function codecKeySecrets(codec: PayloadCodecConfig | undefined): string[] {
  return codec?.keys.map((k) => k.key) ?? [];
}
