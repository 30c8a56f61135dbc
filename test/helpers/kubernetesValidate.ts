// kubernetes-validate (PyPI): validates manifests against the JSON schemas generated from each
// Kubernetes release's OpenAPI spec, which it ships for 1.25 to 1.37, so nothing is fetched at
// validation time. `--strict` uses the schemas that refuse fields the API does not define.
// Installed once with pip into .tools/kubernetes-validate (like the temporal CLI in .tools/temporal).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './runProcess.js';

export const KUBERNETES_VALIDATE = 'kubernetes-validate==1.37.0';
const TARGET = path.join(ROOT, '.tools', 'kubernetes-validate');

export interface Validation {
  ok: boolean;
  /** One line per resource, e.g. `ERROR f.yaml did not validate for resource deployment/x ...: spec.replicas: '2' is not of type 'integer', 'null'`. */
  lines: string[];
}

function python(args: string[], timeoutMs: number) {
  return spawnSync('python3', args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, PYTHONPATH: TARGET, PYTHONDONTWRITEBYTECODE: '1' },
  });
}

function installedVersion(): string | undefined {
  if (!existsSync(TARGET)) return undefined;
  const r = python(['-m', 'kubernetes_validate', '--version'], 30_000);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Installs the pinned kubernetes-validate into .tools/ unless it is there already (about 25 MB, once). */
export function ensureKubernetesValidate(): void {
  const wanted = KUBERNETES_VALIDATE.split('==')[1];
  if (installedVersion() === wanted) return;
  rmSync(TARGET, { recursive: true, force: true });
  mkdirSync(TARGET, { recursive: true });
  const r = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', TARGET, KUBERNETES_VALIDATE], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0 || installedVersion() !== wanted) {
    throw new Error(
      `cannot install ${KUBERNETES_VALIDATE} into ${TARGET} with pip (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stderr}\n` +
        'it needs python3 with pip and access to PyPI',
    );
  }
}

/**
 * Validates every file against each Kubernetes version, strictly. A resource whose kind or
 * apiVersion has no schema (a typo such as autoscaling/v3) is only a warning to the tool; here
 * it fails, since all our manifests are core Kubernetes kinds.
 */
export function validateManifests(files: string[], kubernetesVersions: string[]): Validation {
  const args = ['-m', 'kubernetes_validate', '--strict', ...kubernetesVersions.flatMap((v) => ['-k', v]), ...files];
  const r = python(args, 120_000);
  if (r.error) throw new Error(`kubernetes-validate did not run: ${r.error.message}`);
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^(INFO|WARN|ERROR)\b/.test(l));
  const refused = lines.some((l) => !l.startsWith('INFO'));
  if (r.status !== 0 && !refused) throw new Error(`kubernetes-validate exited ${r.status} without a verdict:\n${r.stdout}\n${r.stderr}`);
  return { ok: r.status === 0 && !refused, lines };
}
