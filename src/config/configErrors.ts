// Turns zod issues into ConfigError messages (source + dotted key + what was expected), with
// every known secret redacted so no message can leak a token or password.
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** String values under secret-looking keys, so they can be redacted from any message. */
export function collectSecrets(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectSecrets(v, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      // `keyFile` names a file (shown in errors), not a secret.
      if (typeof v === 'string' && v.length >= 6 && /token|pass|secret|key/i.test(key) && !/(file|path)$/i.test(key)) into.push(v);
      else collectSecrets(v, into);
    }
  }
  return into;
}

export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
}

export function dotted(parts: readonly PropertyKey[]): string {
  return parts
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function configError(source: string, key: string, expected: string, secrets: readonly string[]): ConfigError {
  return new ConfigError(redact(source, secrets), redact(key, secrets), redact(expected, secrets));
}

/** Turns the first zod issue into a ConfigError (mentioning how many more there are). */
export function fromZod(source: string, prefix: PropertyKey[], error: z.ZodError, secrets: readonly string[]): ConfigError {
  const [first, ...rest] = error.issues;
  if (!first) return configError(source, dotted(prefix), 'invalid value', secrets);
  const key = dotted([...prefix, ...first.path]);
  let expected = first.message;
  if (first.code === 'unrecognized_keys') expected = `unknown key(s) ${first.keys.join(', ')}: remove them or fix their spelling`;
  if (rest.length > 0) {
    const others = rest.slice(0, 3).map((issue) => dotted([...prefix, ...issue.path]) || '(root)');
    expected += ` (also ${rest.length} more problem(s): ${others.join(', ')}${rest.length > 3 ? ', …' : ''})`;
  }
  return configError(source, key, expected, secrets);
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string,
  prefix: PropertyKey[],
  secrets: readonly string[],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(source, prefix, result.error, secrets);
  return result.data;
}
