// The README's fenced code blocks, so tests run the README's examples exactly as written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/**
 * The fenced blocks of one language in the README section titled `heading` (a `##` or `###`
 * heading), up to the next heading of the same or a higher level.
 */
export function readmeBlocks(heading: string, lang: string): string[] {
  const match = new RegExp(`^(#{2,3}) ${escapeRegExp(heading)}$`, 'm').exec(README);
  assert.ok(match, `README has a section "${heading}"`);
  const level = match[1]!.length;
  const body = README.slice(match.index + match[0].length);
  const next = new RegExp(`^#{2,${level}} `, 'm').exec(body);
  const section = next ? body.slice(0, next.index) : body;
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
