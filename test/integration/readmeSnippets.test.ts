// The README's scheduling examples are code that works: its TypeScript compiles against the
// real API, and its sp00ky.yml sections load into the config they describe.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { loadConfig } from '../../src/config/loadConfig.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of one language in the README section under `heading` (up to the next `## `). */
function blocks(heading: string, lang: string): string[] {
  const start = README.indexOf(`\n## ${heading}`);
  assert.ok(start >= 0, `README has a section "${heading}"`);
  const end = README.indexOf('\n## ', start + 4);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

const SECTION = 'Scheduling: priorities, queues, fairness, cron, retention';

void test("the README's scheduling TypeScript compiles against the library's real types", () => {
  const snippets = blocks(SECTION, 'ts');
  assert.ok(snippets.length >= 2);
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-snippets-'));
  try {
    const file = path.join(dir, 'snippets.ts');
    writeFileSync(
      file,
      [
        `import { createRunner, type Runner } from '${path.join(ROOT, 'src/index.js')}';`,
        `declare const runner: Runner;`,
        ...snippets.map((code, i) => `export async function snippet${i}() {\n${code}}`),
        '',
      ].join('\n'),
    );
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      noUnusedLocals: false,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => `${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test("the README's schedules and retention YAML loads as written", async () => {
  const [yaml] = blocks(SECTION, 'yaml');
  assert.ok(yaml);
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-yml-'));
  try {
    const file = path.join(dir, 'sp00ky.yml');
    writeFileSync(file, `apps:\n  api:\n    type: backend\n    baseUrl: http://localhost:3660\n${yaml}`);
    const config = await loadConfig({ configPath: file, env: {} });
    assert.deepEqual(
      config.schedules?.map((s) => [s.name, s.cron, s.timezone, s.backend, s.path, s.overlap, s.catchupWindowMs]),
      [['nightly-report', '0 3 * * *', 'Europe/Berlin', 'api', '/reports/nightly', 'skip', 3_600_000]],
    );
    assert.deepEqual(config.retention, { olderThanMs: 7 * 86_400_000, everyMs: 3_600_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
