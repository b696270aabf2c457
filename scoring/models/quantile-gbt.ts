/**
 * Gradient-boosted trees for one quantile (pinball loss), on the histogram trees of gbt.ts. Splits are
 * searched on the pinball gradient (−α above the prediction, 1 − α below) with unit hessians; each node's
 * value is then the α-quantile of the residuals of its rows (times the learning rate) — the usual remedy
 * for the loss having no curvature (as LightGBM does), so a leaf moves straight to where the loss is least.
 */
import { quantile } from 'simple-statistics';
import { binColumns, growTree, leafValue, treeRows, type GbtModel, type GbtNode, type GbtParams } from './gbt.ts';

export const DEFAULT_QUANTILE_GBT: GbtParams = { trees: 80, depth: 3, learningRate: 0.15, minLeaf: 40, lambda: 1, bins: 32 };

export function fitQuantileGbt(x: readonly number[][], y: readonly number[], alpha: number, params: GbtParams = DEFAULT_QUANTILE_GBT): GbtModel {
  const n = x.length;
  if (n === 0) return { kind: 'gbt', base: 0, trees: [], params };
  const data = binColumns(x, params.bins);
  const base = quantile([...y], alpha);
  const f = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n).fill(1);
  const trees: GbtNode[][] = [];
  for (let t = 0; t < params.trees; t++) {
    for (let i = 0; i < n; i++) g[i] = (y[i] as number) > (f[i] as number) ? -alpha : (y[i] as number) < (f[i] as number) ? 1 - alpha : 0;
    const nodes = growTree(data, treeRows(n, t), g, h, params, (idx) =>
      idx.length === 0 ? 0 : params.learningRate * quantile(idx.map((i) => (y[i] as number) - (f[i] as number)), alpha),
    );
    trees.push(nodes);
    for (let i = 0; i < n; i++) f[i] = (f[i] as number) + leafValue(nodes, x[i] as number[]);
  }
  return { kind: 'gbt', base, trees, params };
}

/** The predicted quantile of a row. */
export function predictQuantileGbt(m: GbtModel, row: readonly number[]): number {
  let z = m.base;
  for (const t of m.trees) z += leafValue(t, row);
  return z;
}
