// Reads a PromQL expression with Prometheus's own grammar (@prometheus-io/lezer-promql, the
// parser of the Prometheus UI): syntax errors, the series it selects and the labels it uses.
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlUse {
  /** Where the grammar found a syntax error, as `at <offset>: <text around it>`. */
  errors: string[];
  /** Each selected series with the labels it matches on. */
  selectors: { metric: string; labels: string[] }[];
  /** Labels of `by (...)` / `without (...)` / `on (...)` / `ignoring (...)` clauses. */
  grouping: string[];
}

/** Grafana's and the Prometheus Adapter's placeholders, replaced by what they expand to. */
export function expandTemplates(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '1m')
    .replace(/<<\.Series>>/g, 'series_name')
    .replace(/<<\.LabelMatchers>>/g, 'namespace="ns"')
    .replace(/<<\.GroupBy>>/g, 'namespace');
}

export function analysePromql(expr: string): PromqlUse {
  const use: PromqlUse = { errors: [], selectors: [], grouping: [] };
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) use.errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 15), node.to + 15))}`);
      if (node.name === 'VectorSelector') {
        const metric = node.node.getChild('Identifier');
        const labels = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
        use.selectors.push({
          metric: metric ? expr.slice(metric.from, metric.to) : '',
          labels: labels.map((m) => m.getChild('LabelName')).map((n) => (n ? expr.slice(n.from, n.to) : '')),
        });
      }
      if (node.name === 'GroupingLabels') {
        for (const label of node.node.getChildren('LabelName')) use.grouping.push(expr.slice(label.from, label.to));
      }
    },
  });
  return use;
}
