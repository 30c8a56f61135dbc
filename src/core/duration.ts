// Durations for the command line and the job builder: `1500` (ms), `250ms`, `30s`, `5m`, `1h30m`, `2d`, `1.5s`.
// Pure; returns whole milliseconds and throws a RangeError saying what was expected.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

export function parseDuration(text: string): number {
  const input = text.trim().toLowerCase();
  const expected = `expected a duration such as 1500 (ms), 30s, 5m or 1h30m, got ${JSON.stringify(text.slice(0, 40))}`;
  if (input === '') throw new RangeError(expected);
  if (/^\d+$/.test(input)) return Number(input);
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  const seen = new Set<string>();
  for (let match = PART.exec(input); match; match = PART.exec(input)) {
    const [, amount, unit] = match as unknown as [string, string, string];
    if (seen.has(unit)) throw new RangeError(expected);
    seen.add(unit);
    total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
    end = PART.lastIndex;
  }
  if (end !== input.length || !Number.isFinite(total)) throw new RangeError(expected);
  if (total > Number.MAX_SAFE_INTEGER) throw new RangeError(`${expected} (too long)`);
  return Math.round(total);
}

/** Compact human form of a duration: `850ms`, `45s`, `3m20s`, `2h5m`, `3d4h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const abs = Math.max(0, Math.round(ms));
  if (abs < 1_000) return `${abs}ms`;
  const s = Math.floor(abs / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}
