/**
 * Chart components: pure (data, options) → element functions over Observable Plot (the `Plot` global loaded from
 * /vendor/plot.umd.min.js). Each draws only what it is given, labels its axes with units, shows a legend whenever
 * colour encodes something, and names its data mark with `ariaLabel` (one SVG element per datum, or per series for
 * lines) so screen readers and tests can find the marks.
 */
const Plot = () => {
  if (!window.Plot) throw new Error('Observable Plot did not load (/vendor/plot.umd.min.js)');
  return window.Plot;
};

const base = (o) => ({
  width: o.width ?? 600,
  height: o.height ?? 300,
  marginLeft: o.marginLeft ?? 60,
  marginBottom: o.marginBottom ?? 40,
  style: { fontSize: '12px', overflow: 'visible' },
});

/** Lines over time, one per series, with a dot per point carrying a tooltip. x: Date, y: number. */
export function lineChart(data, o) {
  const P = Plot();
  const title = (d) => `${d[o.series]}\n${o.xFormat ? o.xFormat(d[o.x]) : d[o.x]}: ${o.yFormat ? o.yFormat(d[o.y]) : d[o.y]}`;
  return P.plot({
    ...base(o),
    x: { label: o.xLabel, type: 'utc' },
    y: { label: o.yLabel, grid: true, zero: o.zero ?? true, tickFormat: o.yTickFormat, domain: o.yDomain },
    color: { legend: true, domain: o.seriesDomain, range: o.colors },
    marks: [
      P.ruleY([0], { stroke: '#c0c7d0' }),
      // With a fixed y domain, points outside it are clipped (the card says so and the table keeps them).
      P.lineY(data, { x: o.x, y: o.y, stroke: o.series, strokeWidth: 2, clip: o.yDomain !== undefined, ariaDescription: `${o.label} lines` }),
      P.dot(data, { x: o.x, y: o.y, fill: o.series, r: 2.5, title, clip: o.yDomain !== undefined, ariaDescription: `${o.label} points` }),
    ],
  });
}

/** Bars stacked by category per period. x: Date (months), y: number, fill: category. */
export function stackedBarChart(data, o) {
  const P = Plot();
  const title = (d) => `${d[o.fill]}\n${o.xFormat ? o.xFormat(d[o.x]) : d[o.x]}: ${o.yFormat ? o.yFormat(d[o.y]) : d[o.y]}`;
  return P.plot({
    ...base(o),
    x: { label: o.xLabel, type: o.xType ?? 'band', domain: o.xDomain, ticks: o.xTicks, tickFormat: o.xTickFormat, tickRotate: o.tickRotate ?? 0 },
    y: { label: o.yLabel, grid: true, tickFormat: o.yTickFormat },
    color: { legend: true, domain: o.fillDomain, range: o.colors },
    marks: [
      P.barY(data, { x: o.x, y: o.y, fill: o.fill, order: o.fillDomain, title, ariaDescription: `${o.label} bars`, inset: 0.5 }),
      P.ruleY([0]),
    ],
  });
}

/** Horizontal bars, largest first. y: category, x: number. */
export function horizontalBarChart(data, o) {
  const P = Plot();
  const title = (d) => `${d[o.y]}: ${o.xFormat ? o.xFormat(d[o.x]) : d[o.x]}`;
  const hasFill = o.fill !== undefined;
  // Counts get whole-number ticks only.
  const maxX = Math.max(0, ...data.map((d) => Number(d[o.x]) || 0));
  const ticks = o.integer ? Math.max(1, Math.min(5, Math.ceil(maxX))) : undefined;
  return P.plot({
    ...base({ ...o, marginLeft: o.marginLeft ?? 150, height: o.height ?? Math.max(140, 24 * data.length + 50) }),
    x: { label: o.xLabel, grid: true, tickFormat: o.xTickFormat, domain: o.xDomain, ticks },
    y: { label: o.yLabel ?? null, domain: o.yDomain },
    color: hasFill ? { legend: true, domain: o.fillDomain, range: o.colors } : undefined,
    marks: [
      P.barX(data, { y: o.y, x: o.x, fill: hasFill ? o.fill : '#1f5fa8', sort: o.yDomain ? undefined : { y: '-x' }, title, ariaDescription: `${o.label} bars` }),
      P.ruleX([0]),
    ],
  });
}

/** Pareto: bars per category in decreasing order with the cumulative share as a line on a 0–100 % right axis. */
export function paretoChart(data, o) {
  const P = Plot();
  const max = Math.max(0, ...data.map((d) => Number(d[o.y]) || 0)) || 1;
  const sorted = [...data].sort((a, b) => Number(b[o.y]) - Number(a[o.y]));
  const total = sorted.reduce((s, d) => s + (Number(d[o.y]) || 0), 0) || 1;
  let run = 0;
  const cum = sorted.map((d) => {
    run += Number(d[o.y]) || 0;
    return { [o.x]: d[o.x], share: run / total, scaled: (run / total) * max };
  });
  const domain = sorted.map((d) => d[o.x]);
  return P.plot({
    ...base({ ...o, marginBottom: o.marginBottom ?? 70 }),
    marginRight: 60,
    x: { label: o.xLabel, domain, tickRotate: o.tickRotate ?? -25 },
    y: { label: o.yLabel, grid: true, tickFormat: o.yTickFormat },
    color: { legend: true, domain: [o.barLegend ?? o.yLabel, 'Cumulative share'], range: ['#1f5fa8', '#d9822b'] },
    marks: [
      P.barY(sorted, { x: o.x, y: o.y, fill: () => o.barLegend ?? o.yLabel, title: (d) => `${d[o.x]}: ${o.yFormat ? o.yFormat(d[o.y]) : d[o.y]}`, ariaDescription: `${o.label} bars` }),
      P.line(cum, { x: o.x, y: 'scaled', stroke: () => 'Cumulative share', strokeWidth: 2, marker: 'circle', ariaDescription: `${o.label} cumulative` }),
      P.axisY({ anchor: 'left', label: o.yLabel, tickFormat: o.yTickFormat }),
      P.axisY([0, 0.25, 0.5, 0.75, 1].map((f) => f * max), { anchor: 'right', label: 'Cumulative share (%)', tickFormat: (v) => `${Math.round((v / max) * 100)}` }),
      P.ruleY([0]),
    ],
  });
}

/**
 * Forecast band: P10–P90 area, P50 line, and actuals as dots where known. x: Date (week start), values numbers.
 */
export function bandChart(data, o) {
  const P = Plot();
  const actual = data.filter((d) => d[o.actual] !== null && d[o.actual] !== undefined);
  return P.plot({
    ...base(o),
    x: { label: o.xLabel, type: 'utc' },
    y: { label: o.yLabel, grid: true, tickFormat: o.yTickFormat },
    color: actual.length
      ? { legend: true, domain: ['P10–P90 range', 'P50 forecast', 'Actual'], range: ['#b9d3ee', '#1f5fa8', '#b3261e'] }
      : { legend: true, domain: ['P10–P90 range', 'P50 forecast'], range: ['#b9d3ee', '#1f5fa8'] },
    marks: [
      P.areaY(data, { x: o.x, y1: o.low, y2: o.high, fill: () => 'P10–P90 range', fillOpacity: 0.6, ariaDescription: `${o.label} band` }),
      P.lineY(data, { x: o.x, y: o.mid, stroke: () => 'P50 forecast', strokeWidth: 2, ariaDescription: `${o.label} median` }),
      P.dot(data, { x: o.x, y: o.mid, fill: () => 'P50 forecast', r: 2.5, title: (d) => `${o.xFormat ? o.xFormat(d[o.x]) : d[o.x]}\nP10 ${o.yFormat(d[o.low])}\nP50 ${o.yFormat(d[o.mid])}\nP90 ${o.yFormat(d[o.high])}`, ariaDescription: `${o.label} points` }),
      P.dot(actual, { x: o.x, y: o.actual, fill: () => 'Actual', symbol: 'diamond', r: 4, ariaDescription: `${o.label} actuals` }),
      P.ruleY([0]),
    ],
  });
}

/**
 * One horizontal bar of parts stacked left to right (e.g. open AR, open orders, proposed order) against a limit
 * drawn as a rule. data: [{ part, amount }] in stacking order.
 */
export function limitBarChart(data, o) {
  const P = Plot();
  const total = data.reduce((s, d) => s + d[o.x], 0);
  const max = Math.max(total, o.limit ?? 0) * 1.05 || 1;
  return P.plot({
    ...base({ ...o, height: o.height ?? 130, marginLeft: o.marginLeft ?? 20 }),
    marginRight: 30,
    x: { label: o.xLabel, grid: true, domain: [0, max], tickFormat: o.xTickFormat },
    y: { axis: null },
    color: { legend: true, domain: o.partDomain, range: o.colors },
    marks: [
      P.barX(data, P.stackX({ x: o.x, fill: o.part, y: () => 'exposure', order: o.partDomain, title: (d) => `${d[o.part]}: ${o.xFormat(d[o.x])}`, ariaDescription: `${o.label} parts` })),
      o.limit === undefined ? null : P.ruleX([o.limit], { stroke: '#111', strokeWidth: 3, ariaDescription: `${o.label} limit` }),
      o.limit === undefined ? null : P.text([o.limit], { x: (d) => d, frameAnchor: 'top', dy: -2, dx: 4, textAnchor: 'start', text: () => o.limitLabel ?? 'limit', lineAnchor: 'bottom', fontWeight: 'bold' }),
    ],
  });
}

/** Points over time with a zero rule, e.g. days late per paid invoice. x: Date, y: number. */
export function scatterChart(data, o) {
  const P = Plot();
  const title = (d) => (o.title ? o.title(d) : `${d[o.y]}`);
  return P.plot({
    ...base(o),
    x: { label: o.xLabel, type: 'utc' },
    y: { label: o.yLabel, grid: true, tickFormat: o.yTickFormat },
    color: o.fill ? { legend: true, domain: o.fillDomain, range: o.colors } : undefined,
    marks: [
      P.ruleY([0], { stroke: '#8a94a3', strokeDasharray: '4 3' }),
      P.dot(data, { x: o.x, y: o.y, fill: o.fill ?? '#1f5fa8', r: 3.5, fillOpacity: 0.8, title, ariaDescription: `${o.label} points` }),
    ],
  });
}
