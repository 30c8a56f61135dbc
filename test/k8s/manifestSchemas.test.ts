// `npm run check:k8s`: the manifests of deploy/k8s against the official Kubernetes schemas
// (kubernetes-validate, strict), and proof that the validator refuses broken ones. Not in
// `npm test`: the validator is installed from PyPI on first use.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { ensureKubernetesValidate, validateManifests } from '../helpers/kubernetesValidate.js';
import { findManifest, readManifests, type Manifest } from '../helpers/k8sManifests.js';

/** The oldest release the manifests promise to work on, and the newest the validator knows. */
const KUBERNETES_VERSIONS = ['1.33.0', '1.37.0'];

before(() => ensureKubernetesValidate());

void test('every manifest of deploy/k8s is valid Kubernetes 1.33 and 1.37, with no unknown field', () => {
  const files = readManifests();
  const result = validateManifests(files.map((f) => f.file), KUBERNETES_VERSIONS);
  assert.ok(result.ok, `deploy/k8s does not validate:\n${result.lines.filter((l) => !l.startsWith('INFO')).join('\n')}`);
  // One verdict per resource and version: nothing was skipped.
  const resources = files.reduce((n, f) => n + f.docs.length, 0);
  assert.equal(result.lines.filter((l) => l.startsWith('INFO')).length, resources * KUBERNETES_VERSIONS.length);
});

/** A copy of one real manifest with one mistake in it. */
function broken(kind: string, name: string, spoil: (m: Manifest) => void): string {
  const manifest = structuredClone(findManifest(readManifests(), kind, name));
  spoil(manifest);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'k8s-broken-')), `${kind.toLowerCase()}.yaml`);
  writeFileSync(file, stringify(manifest));
  return file;
}

const container = (m: Manifest) => m.spec.template.spec.containers[0];

const MISTAKES: { mistake: string; file: () => string; message: RegExp }[] = [
  {
    mistake: 'a misspelled field (resouces in a container)',
    file: () => broken('Deployment', 'spooky-temporal-worker', (m) => {
      container(m).resouces = container(m).resources;
      delete container(m).resources;
    }),
    message: /Additional properties are not allowed \('resouces' was unexpected\)/,
  },
  {
    mistake: 'a misspelled field deep in a probe (httpGet.paht)',
    file: () => broken('Deployment', 'spooky-temporal-bridge', (m) => {
      container(m).readinessProbe.httpGet = { paht: '/readyz', port: 'metrics' };
    }),
    message: /'paht' was unexpected/,
  },
  {
    mistake: 'a string where an integer belongs (replicas: "2")',
    file: () => broken('Deployment', 'spooky-temporal-bridge', (m) => (m.spec.replicas = '2')),
    message: /spec\.replicas: '2' is not of type 'integer'/,
  },
  {
    mistake: 'a string where an integer belongs (maxReplicas: "ten")',
    file: () => broken('HorizontalPodAutoscaler', 'spooky-temporal-worker', (m) => (m.spec.maxReplicas = 'ten')),
    message: /spec\.maxReplicas: 'ten' is not of type 'integer'/,
  },
  {
    mistake: 'a required field left out (a Deployment without its selector)',
    file: () => broken('Deployment', 'spooky-temporal-worker', (m) => delete m.spec.selector),
    message: /'selector' is a required property/,
  },
  {
    mistake: 'an apiVersion that does not exist (autoscaling/v3)',
    file: () => broken('HorizontalPodAutoscaler', 'spooky-temporal-worker', (m) => (m.apiVersion = 'autoscaling/v3')),
    message: /Couldn't find schema for kind HorizontalPodAutoscaler with api version autoscaling\/v3/,
  },
];

for (const { mistake, file, message } of MISTAKES) {
  void test(`the validator refuses ${mistake}`, () => {
    const result = validateManifests([file()], KUBERNETES_VERSIONS);
    assert.equal(result.ok, false, `accepted:\n${result.lines.join('\n')}`);
    assert.match(result.lines.join('\n'), message);
  });
}
