// The Grafana dashboard (deploy/grafana) and the Prometheus Adapter rule behind the worker HPA:
// every query parses as PromQL and uses only the metrics and labels `start` serves
// (test/helpers/metricsContract.ts, README "Operating it"), and the dashboard has the panels
// operators watch: backlog, throughput, failures, latency, calls in flight, worker slots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { metricOf, SPOOKY_METRICS, TARGET_LABELS, TEMPORAL_SDK_METRICS } from '../helpers/metricsContract.js';
import { analysePromql, expandTemplates } from '../helpers/promql.js';
import { ROOT } from '../helpers/runProcess.js';

const GRAFANA = path.join(ROOT, 'deploy', 'grafana');

interface Target {
  expr: string;
  refId: string;
  datasource: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const dashboard = JSON.parse(readFileSync(path.join(GRAFANA, 'dashboards', 'spooky-temporal.json'), 'utf8')) as Dashboard;
const graphs = dashboard.panels.filter((p) => p.type !== 'row');
const queries = graphs.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** Problems of one query: syntax, unknown series, labels the series do not have. */
function problems(expr: string): string[] {
  const use = analysePromql(expandTemplates(expr));
  const found = use.errors.map((e) => `syntax error ${e}`);
  const known = new Set<string>(TARGET_LABELS);
  for (const { metric, labels } of use.selectors) {
    const spec = metricOf(metric);
    if (!spec) {
      found.push(`unknown series ${metric}`);
      continue;
    }
    const allowed = new Set([...spec.labels, ...TARGET_LABELS, ...(spec.series === 'bucket' ? ['le'] : [])]);
    for (const label of labels) if (!allowed.has(label)) found.push(`${metric} has no label ${label}`);
    allowed.forEach((l) => known.add(l));
  }
  for (const label of use.grouping) if (!known.has(label)) found.push(`grouping by ${label}, which no selected series has`);
  return found;
}

void test('the query checker refuses bad syntax, unknown series and labels a metric does not have', () => {
  assert.deepEqual(problems('sum by (backend) (rate(spooky_jobs_succeeded_total[$__rate_interval]))'), []);
  assert.match(problems('sum by (backend (rate(spooky_jobs_succeeded_total[5m]))').join(), /syntax error/);
  assert.deepEqual(problems('rate(spooky_jobs_succeded_total[5m])'), ['unknown series spooky_jobs_succeded_total']);
  assert.deepEqual(problems('spooky_jobs_pending{backend="api"}'), ['spooky_jobs_pending has no label backend']);
  assert.deepEqual(problems('sum by (reason) (spooky_jobs_succeeded_total)'), ['grouping by reason, which no selected series has']);
  // A counter has no buckets.
  assert.match(problems('histogram_quantile(0.5, sum by (le) (rate(spooky_jobs_started_total_bucket[5m])))').join(), /unknown series spooky_jobs_started_total_bucket/);
});

void test('every dashboard query is PromQL over the metrics and labels the runner serves', () => {
  assert.ok(queries.length > 10);
  const bad = queries.flatMap(({ panel, expr }) => problems(expr).map((p) => `${panel}: ${p}\n  ${expr}`));
  assert.deepEqual(bad, []);
});

void test('the dashboard shows every runner metric and the Temporal worker slots', () => {
  const used = new Set(queries.flatMap(({ expr }) => analysePromql(expandTemplates(expr)).selectors.map((s) => metricOf(s.metric)?.name)));
  for (const metric of [...Object.keys(SPOOKY_METRICS), ...Object.keys(TEMPORAL_SDK_METRICS)]) assert.ok(used.has(metric), `no panel shows ${metric}`);
  // Latency panels give p50 and p95 from the histograms.
  for (const [metric, spec] of Object.entries(SPOOKY_METRICS).filter(([, s]) => s.type === 'histogram')) {
    const exprs = queries.filter((q) => q.expr.includes(`${metric}_bucket`)).map((q) => q.expr);
    for (const quantile of ['0.5', '0.95']) {
      assert.ok(exprs.some((e) => e.startsWith(`histogram_quantile(${quantile},`)), `${metric} (${spec.type}): no p${Number(quantile) * 100}`);
    }
  }
  const titles = graphs.map((p) => p.title).join('\n');
  for (const topic of [/pending/i, /oldest pending/i, /succeeded and failed/i, /by reason/i, /in flight/i, /slots available/i]) {
    assert.match(titles, topic);
  }
});

void test('every panel reads the data source variable, and panels fit the 24-column grid without overlapping', () => {
  const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
  assert.deepEqual([variable?.type, variable?.query], ['datasource', 'prometheus']);
  const cells = new Set<string>();
  for (const panel of dashboard.panels) {
    if (panel.type !== 'row') {
      assert.equal(panel.datasource?.uid, '${datasource}', panel.title);
      for (const t of panel.targets ?? []) assert.equal(t.datasource.uid, '${datasource}', panel.title);
    }
    const { x, y, w, h } = panel.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `${panel.title} is outside the grid`);
    for (let i = x; i < x + w; i++) {
      for (let j = y; j < y + h; j++) {
        assert.ok(!cells.has(`${i},${j}`), `${panel.title} overlaps another panel`);
        cells.add(`${i},${j}`);
      }
    }
  }
  assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, 'panel ids repeat');
});

void test("Grafana is provisioned with the compose stack's Prometheus and loads the dashboard folder", () => {
  const datasources = parse(readFileSync(path.join(GRAFANA, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'));
  assert.deepEqual(
    datasources.datasources.map((d: { type: string; url: string; isDefault: boolean }) => [d.type, d.url, d.isDefault]),
    [['prometheus', 'http://prometheus:9090', true]],
  );
  const providers = parse(readFileSync(path.join(GRAFANA, 'provisioning', 'dashboards', 'spooky-temporal.yml'), 'utf8'));
  assert.equal(providers.providers[0].options.path, '/etc/grafana/dashboards');
});

void test('the Prometheus Adapter serves spooky_jobs_pending per table and queue, deduplicated across runners', () => {
  const values = parse(readFileSync(path.join(ROOT, 'deploy', 'k8s', 'monitoring', 'prometheus-adapter-values.yaml'), 'utf8'));
  const [rule] = values.rules.external as { seriesQuery: string; metricsQuery: string; name: { as: string } }[];
  assert.equal(rule?.name.as, 'spooky_jobs_pending');
  assert.deepEqual(problems(rule.seriesQuery), []);
  const metricsQuery = expandTemplates(rule.metricsQuery).replace('series_name', 'spooky_jobs_pending');
  assert.deepEqual(problems(metricsQuery), []);
  assert.match(rule.metricsQuery, /^max by \(namespace, table, queue\)/, 'several bridges report the same rows: max, not sum');
});
