// Builds the URL a job is POSTed to. Sp00ky concatenates `baseUrl + path`; a job row's
// `path` is user-controlled data, so we only accept paths that provably stay under the
// base URL (no SSRF to other hosts, no escaping the base path). Pure: no I/O.
import { UnsafePathError } from './errors.js';

const MAX_PATH_LENGTH = 2048;

const EXPECTED =
  "expected a path declared by the backend (its OpenAPI spec or allowedPaths), starting with a single '/', " +
  "no '..', ';', '@', '\\', encoded separators, Unicode look-alikes of them, or absolute URL";

// Characters that change how a URL is parsed (authority, query, fragment, Windows-style
// separators), or that parsers strip/normalise (controls, whitespace, invisible formats).
// ';' starts a path parameter: Tomcat and Jetty read `/..;/admin` as `/../admin`.
const FORBIDDEN_CHARS = /[\\@?#;\s\p{C}]/u;

// Percent-escapes that decode to a separator, a dot, ';', another escape (double encoding)
// or a control byte; anything else (e.g. %20 in a name) is left to the backend.
const FORBIDDEN_ESCAPE = /^(2e|2f|3b|5c|25|[01][0-9a-f]|7f)$/i;

// Outside ASCII only letters, combining marks and decimal digits, raw or percent-encoded:
// servers that fold Unicode (NFKC, "best fit") turn look-alikes such as U+FF0E '．',
// U+2024 '․', U+2025 '‥', U+FE52 '﹒', U+FF0F '／', U+2215 '∕', U+29F8 '⧸' or U+FF3C '＼'
// into '.', '/' or '\\'. None of them is a letter, mark or digit.
const ALLOWED_NON_ASCII = /^[\p{L}\p{M}\p{Nd}]$/u;

// What Unicode folding (NFKC) must not introduce into a decoded segment.
const SEPARATOR_LIKE = /[/\\;?#%@\p{C}]/gu;

/** Why `path` is unsafe, or undefined when it is safe to append to a base URL. */
export function unsafePathReason(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'path is not a string';
  if (path.length === 0) return 'path is empty';
  if (path.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  if (!path.startsWith('/')) return "path does not start with '/'";
  if (path.startsWith('//')) return "path starts with '//' (protocol-relative URL)";
  if (FORBIDDEN_CHARS.test(path)) return 'path contains a forbidden character';

  // Every '%' must start a well-formed, harmless escape.
  for (let i = path.indexOf('%'); i !== -1; i = path.indexOf('%', i + 1)) {
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/i.test(hex)) return "path contains a malformed '%' escape";
    if (FORBIDDEN_ESCAPE.test(hex)) return `path contains the encoded character %${hex}`;
  }

  const segments = path.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    // A single trailing slash is allowed (`/users/`); `//` inside is not.
    if (segment === '' && i < segments.length - 1) return "path contains an empty segment ('//')";
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'path contains an invalid percent-encoding';
    }
    const reason = unsafeSegmentReason(decoded);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** The checks on one decoded segment: no dot-only names, and no look-alikes, raw or folded. */
function unsafeSegmentReason(decoded: string): string | undefined {
  for (const char of decoded) {
    const point = char.codePointAt(0) ?? 0;
    if (point > 0x7f && !ALLOWED_NON_ASCII.test(char)) {
      const code = point.toString(16).toUpperCase().padStart(4, '0');
      return `path contains the non-ASCII character U+${code}, which is not a letter or digit (only letters, marks and digits are allowed outside ASCII)`;
    }
  }
  const folded = decoded.normalize('NFKC');
  if (isDotSegment(decoded) || isDotSegment(folded)) return "path contains a '.' or '..' segment (or only dots and spaces)";
  if (folded !== decoded && countMatches(folded, SEPARATOR_LIKE) > countMatches(decoded, SEPARATOR_LIKE)) {
    return 'path contains a character that Unicode normalisation (NFKC) turns into a separator';
  }
  return undefined;
}

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** `.`, `..`, `...`, `.. `: Windows servers drop trailing dots and spaces, so all of them may mean `.`/`..`. */
function isDotSegment(segment: string): boolean {
  return segment !== '' && /^[.\s]+$/u.test(segment);
}

export function isSafeJobPath(path: unknown): path is string {
  return unsafePathReason(path) === undefined;
}

function describe(path: unknown): string {
  const text = typeof path === 'string' ? path : String(path);
  // JSON.stringify makes control characters visible and quotes the value.
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

/**
 * `baseUrl + path` (plain concatenation, like Sp00ky: `http://h:1/api` + `/x` → `http://h:1/api/x`),
 * only when the result stays on the base's origin and under its path.
 * @throws UnsafePathError otherwise.
 */
export function resolveBackendUrl(baseUrl: string, path: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new UnsafePathError(`backend base URL is not an absolute URL: expected http(s)://host[:port][/prefix]`);
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.search || base.hash) {
    throw new UnsafePathError(
      'backend base URL must be http(s)://host[:port][/prefix] without query or fragment',
    );
  }

  const reason = unsafePathReason(path);
  if (reason !== undefined) {
    throw new UnsafePathError(`unsafe job path ${describe(path)}: ${reason}; ${EXPECTED}`);
  }

  // One trailing slash of the base is dropped so `http://h/api/` + `/x` is `http://h/api/x`.
  const baseText = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  let url: URL;
  try {
    url = new URL(baseText + path);
  } catch {
    throw new UnsafePathError(`unsafe job path ${describe(path)}: not a valid URL path; ${EXPECTED}`);
  }

  // Final, independent check on the parsed result (defence in depth).
  const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const staysUnderBase =
    url.origin === base.origin &&
    url.username === base.username &&
    url.password === base.password &&
    url.search === '' &&
    url.hash === '' &&
    (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`));
  if (!staysUnderBase) {
    throw new UnsafePathError(`unsafe job path ${describe(path)}: it leaves the backend base URL; ${EXPECTED}`);
  }
  return url;
}
