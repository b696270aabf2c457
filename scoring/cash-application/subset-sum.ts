/**
 * Which of a customer's open items add up to a payment. Each item may count at one of several
 * amounts (its open amount, or its amount net of an early-payment discount); credit notes count
 * negative. The search is a depth-first enumeration with sum bounds and a node budget, so a customer
 * with hundreds of open items cannot stall a run: when the budget runs out the caller learns the
 * answer may not be unique and must lower its confidence.
 */

export interface SubsetOption {
  readonly cents: bigint;
  readonly discounted: boolean;
}

export interface SubsetItem {
  readonly key: number;
  readonly options: readonly SubsetOption[];
}

export interface SubsetPick {
  readonly key: number;
  readonly cents: bigint;
  readonly discounted: boolean;
}

export interface SubsetResult {
  /** Distinct solutions found, at most `maxSolutions`, in the order found. */
  readonly solutions: SubsetPick[][];
  /** True when the whole space was searched, so `solutions.length === 1` means unique. */
  readonly complete: boolean;
}

export interface SubsetOptions {
  readonly maxPicks?: number;
  readonly maxNodes?: number;
  readonly maxSolutions?: number;
  /** findSmallestSubsets only: how many items (in the given order) the search beyond pairs may use. */
  readonly searchItems?: number;
}

export function findSubsets(items: readonly SubsetItem[], target: bigint, options: SubsetOptions = {}): SubsetResult {
  const maxPicks = options.maxPicks ?? 8;
  const maxNodes = options.maxNodes ?? 20_000;
  const maxSolutions = options.maxSolutions ?? 2;
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const biggest = (it: SubsetItem) => it.options.reduce((m, o) => (abs(o.cents) > m ? abs(o.cents) : m), 0n);
  const sorted = [...items].filter((it) => it.options.length > 0).sort((a, b) => (biggest(b) > biggest(a) ? 1 : biggest(b) < biggest(a) ? -1 : a.key - b.key));
  const n = sorted.length;
  // Bounds of what items i..n-1 can still add: the most positive and the most negative total.
  const maxRest = new Array<bigint>(n + 1).fill(0n);
  const minRest = new Array<bigint>(n + 1).fill(0n);
  for (let i = n - 1; i >= 0; i--) {
    const opts = sorted[i]?.options ?? [];
    const hi = opts.reduce((m, o) => (o.cents > m ? o.cents : m), 0n);
    const lo = opts.reduce((m, o) => (o.cents < m ? o.cents : m), 0n);
    maxRest[i] = (maxRest[i + 1] ?? 0n) + hi;
    minRest[i] = (minRest[i + 1] ?? 0n) + lo;
  }
  const solutions: SubsetPick[][] = [];
  const seen = new Set<string>();
  const stack: SubsetPick[] = [];
  let nodes = 0;
  let complete = true;

  const visit = (i: number, remaining: bigint): boolean => {
    if (remaining === 0n && stack.length > 0) {
      const key = stack.map((p) => `${p.key}:${p.cents}`).sort().join('|');
      if (!seen.has(key)) {
        seen.add(key);
        solutions.push([...stack]);
        if (solutions.length >= maxSolutions) return false;
      }
    }
    if (i >= n || stack.length >= maxPicks) return true;
    if (remaining > (maxRest[i] ?? 0n) || remaining < (minRest[i] ?? 0n)) return true;
    if (++nodes > maxNodes) {
      complete = false;
      return false;
    }
    const item = sorted[i];
    if (!item) return true;
    for (const o of item.options) {
      stack.push({ key: item.key, cents: o.cents, discounted: o.discounted });
      const go = visit(i + 1, remaining - o.cents);
      stack.pop();
      if (!go) return false;
    }
    return visit(i + 1, remaining);
  };
  const finished = visit(0, target);
  if (!finished && solutions.length >= maxSolutions) complete = false;
  return { solutions, complete };
}

/**
 * The fewest items that make up the target. One or two items are found by lookup over the whole
 * list, so "unique" there is exact however many items there are; larger combinations fall back to
 * the bounded search. A payer who pays an amount that one open item has, and no other single item
 * or pair explains, almost certainly pays that item.
 */
export function findSmallestSubsets(items: readonly SubsetItem[], target: bigint, options: SubsetOptions = {}): SubsetResult {
  const maxSolutions = options.maxSolutions ?? 2;
  const flat = items.flatMap((it) => it.options.map((o) => ({ key: it.key, cents: o.cents, discounted: o.discounted })));
  const singles = flat.filter((x) => x.cents === target);
  const singleKeys = new Set(singles.map((s) => s.key));
  if (singleKeys.size > 0) {
    const seen = new Set<number>();
    const solutions = singles.filter((s) => !seen.has(s.key) && (seen.add(s.key), true)).slice(0, maxSolutions).map((s) => [s]);
    return { solutions, complete: true };
  }
  const byCents = new Map<bigint, typeof flat>();
  for (const x of flat) {
    const list = byCents.get(x.cents);
    if (list) list.push(x);
    else byCents.set(x.cents, [x]);
  }
  const pairs: SubsetPick[][] = [];
  const seenPairs = new Set<string>();
  for (const a of flat) {
    for (const b of byCents.get(target - a.cents) ?? []) {
      if (b.key === a.key) continue;
      const id = a.key < b.key ? `${a.key}|${b.key}` : `${b.key}|${a.key}`;
      if (seenPairs.has(id)) continue;
      seenPairs.add(id);
      pairs.push(a.key < b.key ? [a, b] : [b, a]);
      if (pairs.length >= maxSolutions) return { solutions: pairs, complete: true };
    }
  }
  if (pairs.length > 0) return { solutions: pairs, complete: true };
  // Triples by lookup too while the pair loop stays cheap (a few hundred items).
  if (flat.length <= 400) {
    const triples: SubsetPick[][] = [];
    const seenTriples = new Set<string>();
    for (let i = 0; i < flat.length; i++) {
      const a = flat[i] as (typeof flat)[number];
      for (let j = i + 1; j < flat.length; j++) {
        const b = flat[j] as (typeof flat)[number];
        if (b.key === a.key) continue;
        for (const c of byCents.get(target - a.cents - b.cents) ?? []) {
          if (c.key === a.key || c.key === b.key) continue;
          const picks = [a, b, c].sort((x, y) => x.key - y.key);
          const id = picks.map((x) => x.key).join('|');
          if (seenTriples.has(id)) continue;
          seenTriples.add(id);
          triples.push(picks);
          if (triples.length >= maxSolutions) return { solutions: triples, complete: true };
        }
      }
    }
    if (triples.length > 0) return { solutions: triples, complete: true };
  }
  return findSubsets(options.searchItems === undefined ? items : items.slice(0, options.searchItems), target, options);
}
