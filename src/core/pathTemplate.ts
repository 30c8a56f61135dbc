// Path templates shared by OpenAPI specs and a spec-less backend's `allowedPaths`:
// `/users/{id}` matches `/users/42`, and an entry ending in '/' (`/hooks/`) is a prefix.
// Pure: no I/O.

// A `{param}` matches one non-empty segment of RFC 3986 unreserved characters only.
const PARAM_VALUE = '[A-Za-z0-9._~-]+';

/** What an `allowedPaths` entry may be: '/'-separated segments of plain characters or `{name}`, no '.'/'..'. */
const ALLOWED_ENTRY = /^(\/([A-Za-z0-9_~!$&'()*+,=:-]|\.(?!\.?(\/|$))|\{[A-Za-z_][A-Za-z0-9_]*\})+)+\/?$/;

/** `^…$` regex of a template; with `prefix`, a match of its start is enough. */
export function templateRegex(template: string, prefix = false): RegExp {
  const source = template
    .split('/')
    .map((segment) =>
      segment
        .split(/(\{[^{}/]+\})/)
        .map((part) => (/^\{[^{}/]+\}$/.test(part) ? PARAM_VALUE : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join(''),
    )
    .join('/');
  return new RegExp(`^${source}${prefix ? '' : '$'}`);
}

/** Why an `allowedPaths` entry is unusable, or undefined. */
export function allowedPathEntryProblem(entry: string): string | undefined {
  if (entry === '/') return 'expected a narrower prefix than "/" (it allows every path): set allowAnyPath: true to mean that';
  if (!entry.startsWith('/')) return `expected "${entry}" to start with '/' (e.g. /hooks/ or /users/{id})`;
  if (!ALLOWED_ENTRY.test(entry)) {
    return `expected "${entry}" to be a path prefix ending in '/' (e.g. /hooks/) or a path pattern (e.g. /users/{id}): plain characters and {name} only, no '//', '.', '..', '%', ';', '?' or '#'`;
  }
  return undefined;
}

/** Matches job paths against `allowedPaths`: entries ending in '/' are prefixes, the others whole paths. */
export function allowedPathMatcher(entries: readonly string[]): (path: string) => boolean {
  const patterns = entries.map((entry) => templateRegex(entry, entry.endsWith('/')));
  return (path) => patterns.some((pattern) => pattern.test(path));
}
