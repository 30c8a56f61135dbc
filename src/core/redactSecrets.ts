// Scrubs configured secrets (backend tokens, the database password) out of any text or JSON
// value before it is stored, logged or printed. A backend may echo our request headers in an
// error or success body; without this the token would land in the row, the Temporal history
// and the logs. Pure: no I/O.

export const REDACTED = '[redacted]';

/** Shorter values are not scrubbed: they would mangle ordinary text (the config's rule too). */
export const MIN_SECRET_LENGTH = 6;

/** Passes after which a text that still holds a secret (built around the marker) is dropped whole. */
const MAX_PASSES = 3;

export interface SecretScrubber {
  /** False when there is nothing to scrub: `text` and `value` return their input. */
  readonly active: boolean;
  /** The text with every form of every secret replaced by `[redacted]`. */
  text(text: string): string;
  /** A copy of a JSON-like value with every string (keys included) scrubbed. */
  value<T>(value: T): T;
}

/**
 * The forms a secret travels in: as is, JSON-escaped, URL-encoded (also with '+' for spaces),
 * base64 and base64url (as in a Basic header), and the part of its base64 that stays the same
 * wherever it sits inside a longer encoded text.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  const bytes = Buffer.from(secret, 'utf8');
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64url'));
  for (const offset of [0, 1, 2]) {
    // With `offset` bytes before it, the secret's base64 characters that depend on its own bytes only.
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const stable = encoded.slice(start, end);
    if (stable.length >= 8) {
      forms.add(stable);
      forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

export function secretScrubber(secrets: Iterable<string | undefined | null>): SecretScrubber {
  const forms = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).flatMap(secretForms))]
    // Longest first, so the alternation prefers `Bearer`-free whole forms over their parts.
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return { active: false, text: (text) => text, value: (value) => value };

  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  // A marker that is not itself made of a secret (a secret such as "redacted]" would loop).
  const marker = [REDACTED, '[REDACTED]', '[secret removed]'].find((m) => !forms.some((f) => m.includes(f))) ?? '***';
  const contains = (text: string) => {
    pattern.lastIndex = 0;
    return pattern.test(text);
  };

  const text = (input: string): string => {
    let output = input;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      if (!contains(output)) return output;
      output = output.replace(pattern, marker);
    }
    // A marker next to the text around it formed a secret again: keep nothing.
    return contains(output) ? marker : output;
  };

  const value = (input: unknown, depth = 0): unknown => {
    if (typeof input === 'string') return text(input);
    if (depth > 100 || input === null || typeof input !== 'object') return input;
    if (Array.isArray(input)) return input.map((item) => value(item, depth + 1));
    if (!isPlainObject(input)) return input;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(input)) copy[text(key)] = value(item, depth + 1);
    return copy;
  };

  return { active: true, text, value: <T>(input: T) => value(input) as T };
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
