/** Scoring metrics for the risk backtest: ranking (ROC/PR AUC), probability quality (Brier, calibration) and days-to-pay accuracy. */

/** ROC AUC by the rank-sum formula, ties counted half. NaN when a class is missing. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k] as number] === 1) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = idx.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** PR AUC as average precision (step-wise, ties processed together). */
export function prAuc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const nPos = labels.reduce((s, v) => s + v, 0);
  if (nPos === 0) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    let newTp = 0;
    for (let k = i; k <= j; k++) newTp += labels[idx[k] as number] as number;
    tp += newTp;
    seen += j - i + 1;
    ap += (newTp / nPos) * (tp / seen);
    i = j + 1;
  }
  return ap;
}

export function brier(probs: readonly number[], labels: readonly number[]): number {
  if (probs.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < probs.length; i++) s += ((probs[i] as number) - (labels[i] as number)) ** 2;
  return s / probs.length;
}

export interface CalibrationBin {
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly meanPredicted: number;
  readonly observed: number;
}

/** Ten equal-width probability bins; the calibration error is the count-weighted mean |predicted − observed|. */
export function calibrationTable(probs: readonly number[], labels: readonly number[], bins = 10): { bins: CalibrationBin[]; error: number } {
  const acc = Array.from({ length: bins }, () => ({ n: 0, p: 0, y: 0 }));
  probs.forEach((p, i) => {
    const b = acc[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))] as { n: number; p: number; y: number };
    b.n++;
    b.p += p;
    b.y += labels[i] as number;
  });
  const out: CalibrationBin[] = acc.map((b, k) => ({
    lo: k / bins,
    hi: (k + 1) / bins,
    n: b.n,
    meanPredicted: b.n ? b.p / b.n : Number.NaN,
    observed: b.n ? b.y / b.n : Number.NaN,
  }));
  const total = probs.length;
  const error = total ? out.reduce((s, b) => s + (b.n ? (b.n / total) * Math.abs(b.meanPredicted - b.observed) : 0), 0) : Number.NaN;
  return { bins: out, error };
}

/**
 * Share of the late amount found in the top 10% of invoices by score. Invoices tied at the cut share the
 * remaining places pro rata (the expected capture under a random order of ties), so a scorer that gives
 * many invoices the same score is neither favoured nor punished by the order the rows came in.
 */
export function topDecileCapture(scores: readonly number[], labels: readonly number[], amounts: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const k = Math.ceil(idx.length / 10);
  let total = 0;
  let top = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    let groupLate = 0;
    for (let r = i; r <= j; r++) groupLate += (labels[idx[r] as number] as number) * (amounts[idx[r] as number] as number);
    total += groupLate;
    const inTop = Math.max(0, Math.min(j + 1, k) - i);
    top += (groupLate * inTop) / (j - i + 1);
    i = j + 1;
  }
  return total > 0 ? top / total : Number.NaN;
}

export function meanAbsoluteError(predicted: readonly number[], actual: readonly number[]): number {
  if (predicted.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += Math.abs((predicted[i] as number) - (actual[i] as number));
  return s / predicted.length;
}

export function intervalCoverage(lo: readonly number[], hi: readonly number[], actual: readonly number[]): number {
  if (actual.length === 0) return Number.NaN;
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if ((actual[i] as number) >= (lo[i] as number) && (actual[i] as number) <= (hi[i] as number)) inside++;
  return inside / actual.length;
}
