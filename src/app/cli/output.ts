// Terminal text helpers: colour (off when not a TTY, with NO_COLOR, or for --json), display
// width (wide emoji/CJK count 2, ANSI escapes 0), cutting and padding to a width.
import { isAbsolute, relative } from 'node:path';

export interface Colors {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  inverse(text: string): string;
}

function wrap(enabled: boolean, open: number, close: number) {
  return (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
}

export function makeColors(enabled: boolean): Colors {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39),
    inverse: wrap(enabled, 7, 27),
  };
}

export const NO_COLORS = makeColors(false);

/** Colour only for a terminal, and never with NO_COLOR set (https://no-color.org). */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  return makeColors(Boolean(stream.isTTY) && !('NO_COLOR' in env && env['NO_COLOR'] !== ''));
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (/\p{Mn}|\p{Me}|\u200d|[\ufe00-\ufe0f]/u.test(char)) return 0;
  if (code > 0xff && /\p{Extended_Pictographic}/u.test(char)) return 2;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd);
  if (wide) return 2;
  return 1;
}

/** Columns a string takes in a terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += charWidth(char);
  return width;
}

/** Cuts plain text (no ANSI) to `width` columns, ending with `…` when cut. Newlines become spaces. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  if (width <= 0) return '';
  if (displayWidth(flat) <= width) return flat;
  let out = '';
  let used = 0;
  for (const char of flat) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/** Pads (text may contain ANSI) with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  const gap = width - displayWidth(text);
  return gap > 0 ? text + ' '.repeat(gap) : text;
}

/** Cuts a line that may contain ANSI escapes to `width` columns (escapes kept, styles reset). */
export function fitLine(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  let out = '';
  let used = 0;
  let styled = false;
  // eslint-disable-next-line no-control-regex
  for (const part of line.split(/(\x1b\[[0-9;?]*[A-Za-z])/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      styled = true;
      continue;
    }
    for (const char of part) {
      const w = charWidth(char);
      if (used + w > width) return out + (styled ? '\x1b[0m' : '');
      out += char;
      used += w;
    }
  }
  return out;
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(absolute: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, absolute);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}
