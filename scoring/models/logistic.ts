/**
 * L2-regularised logistic regression fitted by Newton–Raphson (IRLS) on standardised features.
 * Deterministic (no random start), so a warehouse replayed to the same as-of date refits the same model.
 */
import { mean, standardDeviation } from 'simple-statistics';

export interface LogisticModel {
  readonly kind: 'logistic';
  readonly means: number[];
  readonly scales: number[];
  /** Intercept first, then one weight per standardised feature. */
  readonly weights: number[];
  readonly lambda: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A x = b for a symmetric positive-definite A by Cholesky decomposition. */
export function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const li = l[i] as number[];
    const ai = a[i] as number[];
    for (let j = 0; j <= i; j++) {
      const lj = l[j] as number[];
      let sum = ai[j] as number;
      for (let k = 0; k < j; k++) sum -= (li[k] as number) * (lj[k] as number);
      if (i === j) li[i] = Math.sqrt(Math.max(sum, 1e-12));
      else li[j] = sum / (lj[j] as number);
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const li = l[i] as number[];
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (li[k] as number) * (y[k] as number);
    y[i] = sum / (li[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = sum / ((l[i] as number[])[i] as number);
  }
  return x;
}

export function fitLogistic(x: readonly number[][], y: readonly number[], lambda = 1, iterations = 25): LogisticModel {
  const n = x.length;
  const p = x[0]?.length ?? 0;
  const means: number[] = [];
  const scales: number[] = [];
  for (let j = 0; j < p; j++) {
    const col = x.map((row) => row[j] as number);
    means.push(mean(col));
    // population standard deviation; a constant column keeps scale 1 so it standardises to 0
    scales.push(standardDeviation(col) || 1);
  }
  const z = x.map((row) => [1, ...row.map((v, j) => (v - (means[j] as number)) / (scales[j] as number))]);
  let w = new Array<number>(p + 1).fill(0);
  const prior = y.reduce((s, v) => s + v, 0) / Math.max(n, 1);
  w[0] = Math.log(Math.max(prior, 1e-6) / Math.max(1 - prior, 1e-6));
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(p + 1).fill(0);
    const hess: number[][] = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const zi = z[i] as number[];
      let eta = 0;
      for (let j = 0; j <= p; j++) eta += (w[j] as number) * (zi[j] as number);
      const mu = sigmoid(eta);
      const r = mu - (y[i] as number);
      const h = Math.max(mu * (1 - mu), 1e-9);
      for (let j = 0; j <= p; j++) {
        const zij = zi[j] as number;
        grad[j] = (grad[j] as number) + r * zij;
        const hj = hess[j] as number[];
        for (let k = 0; k <= j; k++) hj[k] = (hj[k] as number) + h * zij * (zi[k] as number);
      }
    }
    for (let j = 1; j <= p; j++) {
      grad[j] = (grad[j] as number) + lambda * (w[j] as number);
      (hess[j] as number[])[j] = ((hess[j] as number[])[j] as number) + lambda;
    }
    (hess[0] as number[])[0] = ((hess[0] as number[])[0] as number) + 1e-6;
    for (let j = 0; j <= p; j++) for (let k = j + 1; k <= p; k++) (hess[j] as number[])[k] = (hess[k] as number[])[j] as number;
    const step = solveSpd(hess, grad);
    let maxStep = 0;
    w = w.map((v, j) => {
      maxStep = Math.max(maxStep, Math.abs(step[j] as number));
      return v - (step[j] as number);
    });
    if (maxStep < 1e-5) break;
  }
  return { kind: 'logistic', means, scales, weights: w, lambda };
}

/** Per-feature contributions to the log-odds relative to the training mean (the reason-code input). */
export function logisticContributions(m: LogisticModel, row: readonly number[]): number[] {
  return row.map((v, j) => ((m.weights[j + 1] as number) * (v - (m.means[j] as number))) / (m.scales[j] as number));
}

export function logisticLogit(m: LogisticModel, row: readonly number[]): number {
  return (m.weights[0] as number) + logisticContributions(m, row).reduce((s, c) => s + c, 0);
}

export function predictLogistic(m: LogisticModel, row: readonly number[]): number {
  return sigmoid(logisticLogit(m, row));
}
