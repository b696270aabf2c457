/**
 * Gradient-boosted decision trees for a binary target (log loss), histogram-based: each feature is cut
 * into at most `bins` quantile bins once, and splits are searched over bin edges. Deterministic
 * (row subsampling uses a fixed stride pattern, not a random generator).
 * Each node stores its own value so predictions can be decomposed into per-feature contributions along
 * the decision path (Saabas), which is what the reason codes read.
 */
export interface GbtNode {
  /** -1 for a leaf. */
  f: number;
  t: number;
  l: number;
  r: number;
  v: number;
}

export interface GbtModel {
  readonly kind: 'gbt';
  readonly base: number;
  readonly trees: GbtNode[][];
  readonly params: GbtParams;
}

export interface GbtParams {
  readonly trees: number;
  readonly depth: number;
  readonly learningRate: number;
  readonly minLeaf: number;
  readonly lambda: number;
  readonly bins: number;
}

export const DEFAULT_GBT: GbtParams = { trees: 100, depth: 3, learningRate: 0.12, minLeaf: 30, lambda: 2, bins: 32 };

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Features cut into quantile bins once: splits are searched over bin edges only. */
export interface BinnedColumns {
  readonly n: number;
  readonly edges: number[][];
  readonly binned: Uint8Array[];
}

export function binColumns(x: readonly number[][], bins: number): BinnedColumns {
  const n = x.length;
  const p = x[0]?.length ?? 0;
  const edges: number[][] = [];
  const binned: Uint8Array[] = [];
  for (let j = 0; j < p; j++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = (x[i] as number[])[j] as number;
    const sorted = Float64Array.from(col).sort();
    const e: number[] = [];
    for (let k = 1; k < bins; k++) {
      const v = sorted[Math.floor((k * n) / bins)] as number;
      if (e.length === 0 || v > (e[e.length - 1] as number)) e.push(v);
    }
    edges.push(e);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = binOf(e, col[i] as number);
    binned.push(b);
  }
  return { n, edges, binned };
}

function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v < (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Grows one tree on `rows` by second-order gain (gradients g, hessians h); `leaf` gives a node's value
 * from its rows (every node gets one, so predictions decompose along the path).
 */
export function growTree(
  data: BinnedColumns,
  rows: number[],
  g: Float64Array,
  h: Float64Array,
  params: Pick<GbtParams, 'depth' | 'minLeaf' | 'lambda' | 'bins'>,
  leaf: (idx: readonly number[], G: number, H: number) => number,
): GbtNode[] {
  const nodes: GbtNode[] = [];
  const nb = params.bins + 1;
  const p = data.edges.length;
  const hg = new Float64Array(nb);
  const hh = new Float64Array(nb);
  const hc = new Uint32Array(nb);
  const grow = (idx: number[], depth: number): number => {
    let G = 0;
    let H = 0;
    for (const i of idx) {
      G += g[i] as number;
      H += h[i] as number;
    }
    const node: GbtNode = { f: -1, t: 0, l: -1, r: -1, v: leaf(idx, G, H) };
    const id = nodes.length;
    nodes.push(node);
    if (depth >= params.depth || idx.length < 2 * params.minLeaf) return id;
    const parentScore = (G * G) / (H + params.lambda);
    let best = { gain: 1e-9, f: -1, bin: -1 };
    for (let j = 0; j < p; j++) {
      hg.fill(0);
      hh.fill(0);
      hc.fill(0);
      const bj = data.binned[j] as Uint8Array;
      for (const i of idx) {
        const b = bj[i] as number;
        hg[b] = (hg[b] as number) + (g[i] as number);
        hh[b] = (hh[b] as number) + (h[i] as number);
        hc[b] = (hc[b] as number) + 1;
      }
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const nEdges = (data.edges[j] as number[]).length;
      for (let b = 0; b < nEdges; b++) {
        gl += hg[b] as number;
        hl += hh[b] as number;
        cl += hc[b] as number;
        const cr = idx.length - cl;
        if (cl < params.minLeaf) continue;
        if (cr < params.minLeaf) break;
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + params.lambda) + (gr * gr) / (hr + params.lambda) - parentScore;
        if (gain > best.gain) best = { gain, f: j, bin: b };
      }
    }
    if (best.f < 0) return id;
    const bj = data.binned[best.f] as Uint8Array;
    const left: number[] = [];
    const right: number[] = [];
    for (const i of idx) ((bj[i] as number) <= best.bin ? left : right).push(i);
    node.f = best.f;
    // bin b holds values < edges[b]; "bin <= best.bin" is "value < edges[best.bin]"
    node.t = (data.edges[best.f] as number[])[best.bin] as number;
    node.l = grow(left, depth + 1);
    node.r = grow(right, depth + 1);
    return id;
  };
  grow(rows, 0);
  return nodes;
}

/** Every other tree sees a fixed two thirds of the rows: cheap decorrelation without randomness. */
export function treeRows(n: number, t: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (t % 2 === 0 || (i * 2654435761 + t) % 3 !== 0) rows.push(i);
  return rows;
}

export function fitGbt(x: readonly number[][], y: readonly number[], params: GbtParams = DEFAULT_GBT): GbtModel {
  const n = x.length;
  const data = binColumns(x, params.bins);
  const prior = Math.min(Math.max(y.reduce((s, v) => s + v, 0) / Math.max(n, 1), 1e-4), 1 - 1e-4);
  const base = Math.log(prior / (1 - prior));
  const f = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: GbtNode[][] = [];
  for (let t = 0; t < params.trees; t++) {
    for (let i = 0; i < n; i++) {
      const pr = sigmoid(f[i] as number);
      g[i] = pr - (y[i] as number);
      h[i] = Math.max(pr * (1 - pr), 1e-6);
    }
    const nodes = growTree(data, treeRows(n, t), g, h, params, (_idx, G, H) => (-G / (H + params.lambda)) * params.learningRate);
    trees.push(nodes);
    for (let i = 0; i < n; i++) f[i] = (f[i] as number) + leafValue(nodes, x[i] as number[]);
  }
  return { kind: 'gbt', base, trees, params };
}

export function leafValue(nodes: readonly GbtNode[], row: readonly number[]): number {
  let k = 0;
  for (;;) {
    const node = nodes[k] as GbtNode;
    if (node.f < 0) return node.v;
    k = (row[node.f] as number) < node.t ? node.l : node.r;
  }
}

export function gbtLogit(m: GbtModel, row: readonly number[]): number {
  let z = m.base;
  for (const t of m.trees) z += leafValue(t, row);
  return z;
}

export function predictGbt(m: GbtModel, row: readonly number[]): number {
  return sigmoid(gbtLogit(m, row));
}

/** Per-feature log-odds contributions: each split's change of node value goes to its feature. */
export function gbtContributions(m: GbtModel, row: readonly number[]): number[] {
  const out = new Array<number>(row.length).fill(0);
  for (const nodes of m.trees) {
    let k = 0;
    for (;;) {
      const node = nodes[k] as GbtNode;
      if (node.f < 0) break;
      const next = (row[node.f] as number) < node.t ? node.l : node.r;
      out[node.f] = (out[node.f] as number) + (nodes[next] as GbtNode).v - node.v;
      k = next;
    }
  }
  return out;
}

/**
 * A model's trees in flat typed arrays (one entry per node, child indices absolute): the same splits
 * visited the same way as `leafValue`, for scoring many rows without an object per node.
 */
export interface PackedTrees {
  readonly base: number;
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

export function packTrees(m: Pick<GbtModel, 'base' | 'trees'>): PackedTrees {
  const total = m.trees.reduce((s, t) => s + t.length, 0);
  const p: PackedTrees = {
    base: m.base,
    roots: new Int32Array(m.trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
  };
  let at = 0;
  m.trees.forEach((nodes, t) => {
    p.roots[t] = at;
    nodes.forEach((node, k) => {
      p.feature[at + k] = node.f;
      p.threshold[at + k] = node.t;
      p.left[at + k] = at + node.l;
      p.right[at + k] = at + node.r;
      p.value[at + k] = node.v;
    });
    at += nodes.length;
  });
  return p;
}

// rows per block: a block's feature vectors (256 × 33 doubles ≈ 68 KB) stay in cache while every tree runs over them
const BLOCK_ROWS = 256;

/**
 * base + the leaf value of every tree, added tree by tree in model order — the same additions as
 * `gbtLogit` (and `predictQuantileGbt`), so the same bits — for each row of a row-major matrix `x` with
 * `width` columns. Rows go in blocks, every tree over a block before the next block.
 */
export function sumTreesBatch(p: PackedTrees, x: Float64Array, width: number): Float64Array {
  const n = Math.floor(x.length / width);
  const z = new Float64Array(n).fill(p.base);
  const { feature, threshold, left, right, value, roots } = p;
  for (let from = 0; from < n; from += BLOCK_ROWS) {
    const to = Math.min(n, from + BLOCK_ROWS);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t] as number;
      for (let i = from; i < to; i++) {
        const off = i * width;
        let k = root;
        let f = feature[k] as number;
        while (f >= 0) {
          k = (x[off + f] as number) < (threshold[k] as number) ? (left[k] as number) : (right[k] as number);
          f = feature[k] as number;
        }
        z[i] = (z[i] as number) + (value[k] as number);
      }
    }
  }
  return z;
}

/** `gbtContributions` of row i of a row-major matrix, on packed trees (same path, same additions). */
export function packedContributions(p: PackedTrees, x: Float64Array, width: number, i: number): number[] {
  const out = new Array<number>(width).fill(0);
  const { feature, threshold, left, right, value } = p;
  const off = i * width;
  for (let t = 0; t < p.roots.length; t++) {
    let k = p.roots[t] as number;
    let f = feature[k] as number;
    while (f >= 0) {
      const next = (x[off + f] as number) < (threshold[k] as number) ? (left[k] as number) : (right[k] as number);
      out[f] = (out[f] as number) + (value[next] as number) - (value[k] as number);
      k = next;
      f = feature[k] as number;
    }
  }
  return out;
}
