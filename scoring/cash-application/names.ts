/**
 * Payer-name ↔ customer-name similarity. Banks truncate, upper-case and re-punctuate names, and
 * payers drop or change legal forms ("ACME CORP" for "Acme Corporation, Inc."), so names are
 * compared after normalisation and by two complementary measures: Jaro-Winkler (typos, truncation)
 * and trigram Dice (word order, inserted words).
 */

/** Legal forms and filler words that say nothing about who the company is. */
const NOISE_TOKENS = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'cos',
  'gmbh', 'ag', 'kg', 'kgaa', 'ug', 'ohg', 'ev', 'sa', 'sas', 'sarl', 'sasu', 'spa', 'srl', 'sl', 'slu', 'bv', 'nv',
  'plc', 'pty', 'pte', 'pvt', 'oy', 'oyj', 'ab', 'as', 'asa', 'aps', 'sro', 'kft', 'zrt', 'doo', 'ltda', 'cv', 'sab',
  'de', 'the', 'and', 'et', 'und', 'y', 'group', 'holding', 'holdings', 'intl', 'international',
]);

/** Lower-case ASCII, punctuation removed, legal forms dropped; tokens kept in their order. */
export function nameTokens(name: string): string[] {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // Dots vanish rather than split, so "S.A." and "G.m.b.H." become the tokens "sa" and "gmbh".
    .replace(/[.'’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (ascii === '') return [];
  const tokens = ascii.split(' ');
  const kept = tokens.filter((t) => !NOISE_TOKENS.has(t));
  return kept.length > 0 ? kept : tokens;
}

export function normaliseName(name: string): string {
  return nameTokens(name).join(' ');
}

/** Like normaliseName but keeping legal forms: "Acme Inc" and "Acme GmbH" are different firms. */
export function fullNameForm(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.'’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const aMatched = new Uint8Array(la);
  const bMatched = new Uint8Array(lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bMatched[j] || a.charCodeAt(i) !== b.charCodeAt(j)) continue;
      aMatched[i] = 1;
      bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Trigrams of the name padded with spaces, so word starts and ends count. */
export function trigrams(normalised: string): Set<string> {
  const s = `  ${normalised} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return out;
}

export function trigramDice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/**
 * Similarity in [0, 1] of two already-normalised names. Banks cut names at 18–35 characters, so a
 * long enough prefix of the other name counts as nearly identical.
 */
export function nameSimilarity(a: string, b: string, gramsA?: Set<string>, gramsB?: Set<string>): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  const shorter = a.length <= b.length ? a : b;
  const longer = shorter === a ? b : a;
  if (shorter.length >= 10 && longer.startsWith(shorter)) return 0.96;
  const sortedA = a.split(' ').sort().join(' ');
  const sortedB = b.split(' ').sort().join(' ');
  if (sortedA === sortedB) return 0.98;
  const jw = Math.max(jaroWinkler(a, b), jaroWinkler(sortedA, sortedB));
  const dice = trigramDice(gramsA ?? trigrams(a), gramsB ?? trigrams(b));
  return 0.5 * jw + 0.5 * dice;
}

export interface NamedCustomer {
  readonly customerId: string;
  readonly name: string;
}

export interface NameHit {
  readonly customerId: string;
  readonly similarity: number;
}

/**
 * Customer names indexed by trigram so a payer name is scored against a few dozen plausible
 * customers instead of all of them.
 */
export class NameIndex {
  private readonly names: string[] = [];
  private readonly fullForms: string[] = [];
  private readonly grams: Set<string>[] = [];
  /** Payers pay again and again under the same name; their lookups are remembered. */
  private readonly cache = new Map<string, NameHit[]>();
  private readonly ids: string[] = [];
  private readonly exact = new Map<string, number[]>();
  private readonly postings = new Map<string, number[]>();

  constructor(customers: Iterable<NamedCustomer>) {
    for (const c of customers) {
      const n = normaliseName(c.name);
      if (n === '') continue;
      const idx = this.names.length;
      this.names.push(n);
      this.fullForms.push(fullNameForm(c.name));
      this.ids.push(c.customerId);
      const list = this.exact.get(n);
      if (list) list.push(idx);
      else this.exact.set(n, [idx]);
      const grams = trigrams(n);
      this.grams.push(grams);
      for (const t of grams) {
        const p = this.postings.get(t);
        if (p) p.push(idx);
        else this.postings.set(t, [idx]);
      }
    }
  }

  get size(): number {
    return this.names.length;
  }

  /** Best customers for a payer name, highest similarity first, at most `limit`, at least `min`. */
  search(payerName: string, limit = 5, min = 0.7): NameHit[] {
    const key = `${limit}|${min}|${payerName}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const found = this.searchUncached(payerName, limit, min);
    if (this.cache.size > 200_000) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }

  private searchUncached(payerName: string, limit: number, min: number): NameHit[] {
    const n = normaliseName(payerName);
    if (n === '') return [];
    const full = fullNameForm(payerName);
    const grams = trigrams(n);
    const exact = this.exact.get(n) ?? [];
    if (exact.length > 0) {
      // An identical name needs no fuzzy search: nothing else can score as high.
      const hits = exact.map((idx) => ({
        customerId: this.ids[idx] ?? '',
        similarity: exact.length > 1 && this.fullForms[idx] !== full ? 0.97 : 1,
      }));
      return hits.sort((x, y) => y.similarity - x.similarity || x.customerId.localeCompare(y.customerId)).slice(0, limit);
    }
    // Score candidates on the rarest trigrams only: common ones (" co", "ing") say little and would
    // make every customer a candidate.
    const lists = [...grams]
      .map((g) => this.postings.get(g))
      .filter((p): p is number[] => p !== undefined)
      .sort((a, b) => a.length - b.length)
      .slice(0, 8);
    const counts = new Map<number, number>();
    for (const p of lists) {
      if (p.length > 5_000) break;
      for (const idx of p) counts.set(idx, (counts.get(idx) ?? 0) + 1);
    }
    const shortlist = [...counts.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 20)
      .map(([idx]) => idx);
    const seen = new Set<number>();
    const hits: NameHit[] = [];
    for (const idx of shortlist) {
      if (seen.has(idx)) continue;
      seen.add(idx);
      const sim = nameSimilarity(n, this.names[idx] ?? '', grams, this.grams[idx]);
      if (sim >= min) hits.push({ customerId: this.ids[idx] ?? '', similarity: sim });
    }
    hits.sort((x, y) => y.similarity - x.similarity || x.customerId.localeCompare(y.customerId));
    return hits.slice(0, limit);
  }
}
