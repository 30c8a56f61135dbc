// deploy/k8s agrees with itself, the image, the runner's configuration and the bench: the
// commands, probes, ports, Secrets, the rendered sp00ky.yml, the drain time and the sizing.
// (Schema validation against the Kubernetes API is `npm run check:k8s`, test/k8s/.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/loadConfig.js';
import { findManifest, K8S_DIR, kustomizationResources, readManifestFile, readManifests, type Manifest } from '../helpers/k8sManifests.js';
import { ROOT } from '../helpers/runProcess.js';

const files = readManifests();
const all = files.flatMap((f) => f.docs);
const bridge = findManifest(files, 'Deployment', 'spooky-temporal-bridge');
const worker = findManifest(files, 'Deployment', 'spooky-temporal-worker');
const schemaJob = findManifest(files, 'Job', 'spooky-temporal-schema');
const hpa = findManifest(files, 'HorizontalPodAutoscaler', 'spooky-temporal-worker');
const envMap = findManifest(files, 'ConfigMap', 'spooky-temporal-env').data as Record<string, string>;
const configMap = findManifest(files, 'ConfigMap', 'spooky-temporal-config').data as Record<string, string>;
const runners = [bridge, worker];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podSpec = (m: Manifest): any => m.spec.template.spec;
const main = (m: Manifest) => podSpec(m).containers[0];

void test('kustomization.yaml lists every manifest of deploy/k8s', () => {
  const listed = kustomizationResources().map((f) => path.basename(f)).sort();
  const present = readdirSync(K8S_DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
  assert.deepEqual(listed, present);
});

void test('two bridges run `start --bridge-only`; the workers run `start --worker-only` with the HPA owning their count', () => {
  assert.equal(bridge.spec.replicas, 2);
  assert.deepEqual(main(bridge).args, ['start', '--bridge-only']);
  assert.deepEqual(main(worker).args, ['start', '--worker-only']);
  assert.deepEqual(main(schemaJob).args, ['schema', 'deploy']);
  assert.equal(worker.spec.replicas, undefined, 'a replicas field would reset the HPA on every apply');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: worker.metadata.name });
  assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas);
  const backlog = hpa.spec.metrics.find((m: Manifest) => m.type === 'External');
  assert.equal(backlog?.external.metric.name, 'spooky_jobs_pending');
  assert.equal(backlog.external.target.type, 'AverageValue');
});

void test('every pod runs the image docker-compose.yml builds, as its non-root node user', () => {
  const compose = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  const composeImage = /image: \$\{SPOOKY_TEMPORAL_IMAGE:-([^}]+)\}/.exec(compose)?.[1];
  assert.equal(composeImage, 'spooky-temporal:local');
  for (const m of [...runners, schemaJob]) {
    for (const c of [...(podSpec(m).initContainers ?? []), ...podSpec(m).containers]) {
      assert.equal(c.image, composeImage, `${m.metadata.name}/${c.name}`);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    }
    assert.equal(podSpec(m).securityContext.runAsNonRoot, true);
    assert.equal(podSpec(m).automountServiceAccountToken, false);
  }
  const kustomization = parse(readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as { images: { name: string; newTag: string }[] };
  assert.deepEqual(kustomization.images, [{ name: 'spooky-temporal', newTag: 'local' }]);
});

void test('liveness asks /healthz and readiness /readyz, on the metrics port that Prometheus scrapes; the SDK\'s metrics port is scraped too', () => {
  const port = Number(envMap['SPKY_METRICS_PORT']);
  const sdkPort = Number(envMap['SPKY_SDK_METRICS_PORT']);
  assert.ok(port > 0, 'spooky-temporal-env sets no SPKY_METRICS_PORT');
  assert.ok(sdkPort > 0 && sdkPort !== port, 'spooky-temporal-env sets no SPKY_SDK_METRICS_PORT of its own');
  for (const m of runners) {
    const c = main(m);
    assert.deepEqual(c.ports, [
      { name: 'metrics', containerPort: port, protocol: 'TCP' },
      { name: 'sdk-metrics', containerPort: sdkPort, protocol: 'TCP' },
    ]);
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'metrics' });
    assert.deepEqual(c.startupProbe.httpGet, { path: '/healthz', port: 'metrics' });
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'metrics' });
    assert.deepEqual(m.spec.template.metadata.annotations, {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port),
      'prometheus.io/path': '/metrics',
    });
  }
  const podMonitor = readManifestFile(path.join(K8S_DIR, 'monitoring', 'podmonitor.yaml')).docs[0]!;
  assert.deepEqual(podMonitor.spec.podMetricsEndpoints.map((e: { port: string }) => e.port), ['metrics', 'sdk-metrics']);
  assert.deepEqual(podMonitor.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'spooky-temporal' });
  for (const m of runners) assert.equal(m.spec.template.metadata.labels['app.kubernetes.io/name'], 'spooky-temporal');
  const adapter = parse(readFileSync(path.join(K8S_DIR, 'monitoring', 'prometheus-adapter-values.yaml'), 'utf8'));
  assert.equal(adapter.rules.external[0].name.as, 'spooky_jobs_pending');
});

void test('the environment names only variables the runner reads, and no secret', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### Connecting to a secured Temporal'));
  const known = new Set([...configuration.matchAll(/^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)?/gm)].flatMap((m) => [m[1], m[2]]));
  for (const name of Object.keys(envMap)) assert.ok(known.has(name), `${name} is not a variable of README, Configuration`);
  for (const secret of ['SURREAL_PASS', 'TEMPORAL_API_KEY', 'SPKY_CODEC_KEYS']) assert.ok(!(secret in envMap), `${secret} belongs in a Secret`);
  assert.doesNotMatch(configMap['sp00ky.yml']!, /token: (?!\$\{)/, 'a literal token in the ConfigMap');
});

void test('every Secret and ConfigMap a pod refers to exists with the keys it reads', () => {
  const secretKeys = (name: string): string[] => {
    const s = findManifest(files, 'Secret', name);
    return Object.keys({ ...s['stringData'], ...s['data'] });
  };
  for (const m of [...runners, schemaJob]) {
    for (const c of [...(podSpec(m).initContainers ?? []), ...podSpec(m).containers]) {
      for (const from of c.envFrom ?? []) {
        if (from.secretRef) secretKeys(from.secretRef.name);
        if (from.configMapRef) findManifest(files, 'ConfigMap', from.configMapRef.name);
      }
      for (const env of c.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (ref) assert.ok(secretKeys(ref.name).includes(ref.key), `${m.metadata.name}: ${ref.name} has no ${ref.key}`);
      }
    }
    for (const v of podSpec(m).volumes) {
      if (v.secret) secretKeys(v.secret.secretName);
      if (v.configMap) findManifest(files, 'ConfigMap', v.configMap.name);
    }
  }
  // The TLS paths point into the mounted certificate Secret.
  const tlsKeys = secretKeys('spooky-temporal-temporal-tls');
  for (const m of [...runners, schemaJob]) {
    const volume = podSpec(m).volumes.find((v: Manifest) => v.secret?.secretName === 'spooky-temporal-temporal-tls');
    const mount = main(m).volumeMounts.find((vm: Manifest) => vm.name === volume.name);
    for (const key of ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH']) {
      assert.equal(path.dirname(envMap[key]!), mount.mountPath);
      assert.ok(tlsKeys.includes(path.basename(envMap[key]!)), `${key}: the Secret has no ${path.basename(envMap[key]!)}`);
    }
  }
});

/** Runs the ConfigMap's render-config.mjs as the init container does; returns the output folder. */
function render(env: Record<string, string>) {
  const from = mkdtempSync(path.join(tmpdir(), 'k8s-config-'));
  const to = mkdtempSync(path.join(tmpdir(), 'k8s-rendered-'));
  for (const [name, text] of Object.entries(configMap)) writeFileSync(path.join(from, name), text);
  writeFileSync(path.join(from, '..data'), 'a ConfigMap volume entry, not a key');
  const [command, ...args] = podSpec(worker).initContainers[0].command as string[];
  const here = args.map((a) => a.replace('/etc/spooky-temporal', from).replace('/run/spooky-temporal', to));
  const result = spawnSync(command!, here, { encoding: 'utf8', env: { PATH: process.env['PATH'], ...env } });
  return { to, ...result };
}

void test('the init container renders sp00ky.yml with the backend token from the Secret, verbatim', async () => {
  const token = 'a"b: c #d\\e${X}';
  const { to, status, stderr } = render({ SPKY_BACKEND_TOKEN_API: token });
  assert.equal(status, 0, stderr);
  assert.deepEqual(readdirSync(to).sort(), ['render-config.mjs', 'sp00ky.yml']);
  const config = await loadConfig({ configPath: path.join(to, 'sp00ky.yml'), env: {} });
  assert.equal(config.backends[0]?.authToken, token);
  // The runner reads the rendered file: SPKY_CONFIG is in the folder the init container writes.
  for (const m of runners) {
    const [, , , out] = podSpec(m).initContainers[0].command as string[];
    assert.equal(envMap['SPKY_CONFIG'], path.join(out!, 'sp00ky.yml'));
    const writes = podSpec(m).initContainers[0].volumeMounts.find((v: Manifest) => v.mountPath === out);
    assert.ok(main(m).volumeMounts.some((v: Manifest) => v.name === writes.name && v.mountPath === out));
  }
});

void test('without the token the init container stops the pod, naming the variable', () => {
  const { status, stderr } = render({});
  assert.equal(status, 1);
  assert.match(stderr, /sp00ky\.yml needs SPKY_BACKEND_TOKEN_API: add them to the spooky-temporal-backend-tokens Secret/);
});

void test('the schema Job reads the template as it is, without any token', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'k8s-template-'));
  writeFileSync(path.join(dir, 'sp00ky.yml'), configMap['sp00ky.yml']!);
  const jobConfig = main(schemaJob).env.find((e: Manifest) => e.name === 'SPKY_CONFIG').value as string;
  const mount = main(schemaJob).volumeMounts.find((v: Manifest) => v.name === 'config-template');
  assert.equal(path.dirname(jobConfig), mount.mountPath);
  const config = await loadConfig({ configPath: path.join(dir, path.basename(jobConfig)), env: {} });
  assert.deepEqual(config.backends.map((b) => b.table), ['job']);
  assert.ok(!main(schemaJob).envFrom.some((f: Manifest) => f.secretRef), 'the schema Job needs no backend token');
});

void test('a stopping worker has time to drain its calls in flight', async () => {
  const { to } = render({ SPKY_BACKEND_TOKEN_API: 't' });
  const config = await loadConfig({ configPath: path.join(to, 'sp00ky.yml'), env: {} });
  // As in dockerCompose.test.ts: the longest HTTP timeout + 5 s (300 s when a row may override it).
  const drainSeconds = Math.max(...config.backends.map((b) => (b.timeoutOverridable ? Math.max(b.timeoutSeconds, 300) : b.timeoutSeconds))) + 5;
  assert.ok(podSpec(worker).terminationGracePeriodSeconds > drainSeconds);
  assert.equal(worker.spec.strategy.rollingUpdate.maxUnavailable, 0);
});

void test("resource requests cover the bench's measured memory per runner process", () => {
  const bench = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'results.json'), 'utf8')) as { rss_mb: number };
  const mebibytes = (q: string) => Number(/^(\d+)Mi$/.exec(q)?.[1] ?? NaN);
  for (const m of runners) {
    const { requests, limits } = main(m).resources;
    assert.ok(mebibytes(requests.memory) * 1.048576 >= bench.rss_mb, `${m.metadata.name} requests ${requests.memory}, the bench measured ${bench.rss_mb} MB`);
    assert.ok(mebibytes(limits.memory) >= 2 * mebibytes(requests.memory));
  }
  assert.ok(all.every((d) => d.metadata.labels?.['app.kubernetes.io/name'] === 'spooky-temporal'));
});
