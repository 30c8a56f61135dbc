// Type-aware lint. The rules that matter most here:
// - no-floating-promises: a forgotten await in workflow code silently changes its history;
// - the layer rules: src/ is five layers, each importing only from the layers below it
//   (core < config < adapters < orchestration < app; README, Development), with no cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const LAYERS = ['core', 'config', 'adapters', 'orchestration', 'app'];

/** One zone per layer: nothing above it may be imported. */
const layerZones = LAYERS.slice(0, -1).map((layer, i) => ({
  target: `./src/${layer}`,
  from: [...LAYERS.slice(i + 1).map((above) => `./src/${above}`), './src/index.ts'],
  message: `src/${layer} may import only from ${LAYERS.slice(0, i).map((l) => `src/${l}`).join(', ') || 'itself'}${i ? ' and itself' : ''}: move the shared code down a layer (see README, Development)`,
}));

/** Workflow code runs in Temporal's deterministic sandbox: core (pure) and the activity contract only. */
const workflowZone = {
  target: './src/orchestration/workflows',
  from: ['./src/config', './src/adapters', './src/orchestration/activities', './src/orchestration/bridge', './src/orchestration/schedules', './src/orchestration/worker'],
  message: 'workflows import only src/core (pure, sandbox-safe; the activity contract is src/core/activityContract.ts)',
};

/** Modules that do I/O, which core and workflow code must not import. */
const IO_MODULES = ['surrealdb', '@surrealdb/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'ws', 'pino', 'node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:https', 'node:tls', 'node:child_process', 'node:dns', 'node:dgram'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', '.stack/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: [...layerZones, workflowZone] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: IO_MODULES, message: 'src/core is pure: no I/O. Put I/O in src/adapters.' }] }],
    },
  },
  {
    files: ['src/orchestration/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...IO_MODULES, 'node:*'], message: 'workflow code is deterministic and has no I/O: call an activity instead.' }] },
      ],
    },
  },
);
