// Percentiles and a small SVG of latency distributions (cumulative), for the bench's output.

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Cumulative distribution of each series, on a shared log-scale ms axis. */
export function latencySvg(series: Record<string, number[]>, title: string): string {
  const width = 720;
  const height = 360;
  const pad = 48;
  const all = Object.values(series).flat().filter((v) => v > 0);
  const min = Math.max(1, Math.min(...all));
  const max = Math.max(...all, min * 10);
  const x = (ms: number) => pad + ((Math.log10(Math.max(ms, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * (width - 2 * pad);
  const y = (q: number) => height - pad - q * (height - 2 * pad);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
  const lines = Object.entries(series).map(([name, values], i) => {
    const sorted = [...values].sort((a, b) => a - b);
    const points = sorted.map((v, j) => `${x(v).toFixed(1)},${y((j + 1) / sorted.length).toFixed(1)}`).join(' ');
    const colour = colours[i % colours.length];
    return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>` +
      `<text x="${width - pad - 180}" y="${pad + 16 * i}" fill="${colour}" font-size="12">${name} (n=${values.length})</text>`;
  });
  const ticks: string[] = [];
  for (let decade = Math.floor(Math.log10(min)); decade <= Math.ceil(Math.log10(max)); decade++) {
    const ms = 10 ** decade;
    if (ms < min || ms > max) continue;
    ticks.push(`<line x1="${x(ms)}" y1="${height - pad}" x2="${x(ms)}" y2="${pad}" stroke="#ddd"/><text x="${x(ms) - 10}" y="${height - pad + 16}" font-size="11">${ms} ms</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad}" y="24" font-size="14">${title}</text>
${ticks.join('\n')}
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#333"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#333"/>
<text x="8" y="${pad + 4}" font-size="11">100%</text><text x="16" y="${height - pad}" font-size="11">0%</text>
${lines.join('\n')}
</svg>
`;
}
