/**
 * Document references in remittance text. Payers copy invoice numbers by hand or through OCR, so a
 * reference is looked up three ways, strongest first: exactly (ignoring case and punctuation), after
 * folding OCR look-alikes (O→0, I/L→1, S→5, B→8, Z→2), and by its numeric core (leading letters
 * and zeros dropped, so "12345" finds "INV-0012345"). Ranges ("INV-100 to 104", "1001-05") expand
 * into their members. The matcher decides what a hit is worth; this module only finds them.
 */

const OCR_FOLD: Readonly<Record<string, string>> = { O: '0', Q: '0', I: '1', L: '1', S: '5', B: '8', Z: '2' };

/** Compatibility decomposition only where there is something to decompose (most references are ASCII). */
function ascii(text: string): string {
  return /[\u0080-\uffff]/.test(text) ? text.normalize('NFKD') : text;
}

/** Upper-case letters and digits only. */
export function plainRef(text: string): string {
  return ascii(text)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/** plainRef with OCR look-alike letters replaced by the digit they are mistaken for. */
export function foldRef(text: string): string {
  return plainRef(text).replace(/[OQILSBZ]/g, (c) => OCR_FOLD[c] ?? c);
}

function stripZeros(digits: string): string {
  const s = digits.replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** Minimum digits a numeric core needs before it may identify a document on its own. */
export const MIN_CORE_DIGITS = 4;

/**
 * Numeric keys of a reference: the digits from the first digit on (OCR-folded, so "12B45" →
 * "12845"), and the last digit group ("2024-00123" → "123") when references carry a year.
 * Leading zeros never count.
 */
export function coreKeys(text: string): string[] {
  const upper = ascii(text).toUpperCase();
  const keys = new Set<string>();
  const plain = upper.replace(/[^A-Z0-9]/g, '');
  const first = plain.search(/\d/);
  if (first >= 0) {
    const body = foldRef(plain.slice(first));
    const m = /(\d+)$/.exec(body);
    if (m?.[1]) keys.add(stripZeros(m[1]));
  }
  // A reference whose first character is a look-alike ("I0023" for "10023").
  const folded = foldRef(plain);
  const tail = /(\d+)$/.exec(folded);
  if (tail?.[1]) keys.add(stripZeros(tail[1]));
  const groups = upper.split(/[^A-Z0-9]+/).filter((g) => /\d/.test(g));
  const last = groups.at(-1);
  if (groups.length > 1 && last) {
    const lastDigits = /(\d+)$/.exec(foldRef(last));
    if (lastDigits?.[1]) keys.add(stripZeros(lastDigits[1]));
  }
  return [...keys].filter((k) => k.length >= MIN_CORE_DIGITS);
}

const DATE_LIKE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;
const AMOUNT_LIKE = /^[-+]?\d{1,3}([,.' ]\d{3})*[.,]\d{2}$|^[-+]?\d+[.,]\d{2}$/;

const RANGE =
  /(?<prefix>\b[A-Z]{0,8}[-#/]?)(?<start>\d{3,})\s*(?:-|–|—|\.\.\.?|\bTO\b|\bTHRU\b|\bTHROUGH\b|\bBIS\b)\s*(?:[A-Z]{1,8}[-#/ ]?)?(?<end>\d+)\b/g;

/** Largest range a payer plausibly means; anything wider is a phone number or an account. */
export const MAX_RANGE = 50;

/** Members of every range in the text, each written with the range's prefix and zero padding. */
export function expandRanges(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toUpperCase().matchAll(RANGE)) {
    const g = m.groups ?? {};
    const startText = g.start ?? '';
    const endRaw = g.end ?? '';
    const prefix = (g.prefix ?? '').trim();
    // "1001-05" abbreviates the end to its changing digits.
    const endText = endRaw.length < startText.length ? startText.slice(0, startText.length - endRaw.length) + endRaw : endRaw;
    const start = Number(startText);
    const end = Number(endText);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end <= start || end - start > MAX_RANGE) continue;
    for (let n = start; n <= end; n++) out.push(prefix + String(n).padStart(startText.length, '0'));
  }
  return out;
}

/**
 * Texts already tokenised. A pass tokenises each remittance text several times (candidate keys in SQL,
 * the index search, the typo check); bounded so a long-lived process never grows it without limit.
 */
const TOKEN_CACHE = new Map<string, readonly string[]>();
const TOKEN_CACHE_LIMIT = 250_000;

/** Candidate reference strings in free text: whole tokens, their parts, and range members. */
export function referenceTokens(text: string): readonly string[] {
  const hit = TOKEN_CACHE.get(text);
  if (hit) return hit;
  const tokens = Object.freeze(tokenise(text));
  if (TOKEN_CACHE.size >= TOKEN_CACHE_LIMIT) TOKEN_CACHE.clear();
  TOKEN_CACHE.set(text, tokens);
  return tokens;
}

function tokenise(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(/[\s,;:()[\]{}"'|]+/)) {
    const token = raw.replace(/^[#.*-]+|[#.*-]+$/g, '');
    if (!/\d/.test(token) || DATE_LIKE.test(token) || AMOUNT_LIKE.test(token)) continue;
    out.add(token);
    const parts = token.split(/[^A-Za-z0-9]+/).filter((p) => /\d/.test(p));
    if (parts.length > 1) for (const p of parts) out.add(p);
  }
  for (const r of expandRanges(text)) out.add(r);
  return [...out];
}

export type RefStrength = 'exact' | 'ocr' | 'core';

export interface RefHit<T> {
  readonly item: T;
  readonly token: string;
  readonly strength: RefStrength;
}

type Bucket = number | number[];

function push(map: Map<string, Bucket>, key: string, idx: number): void {
  const b = map.get(key);
  if (b === undefined) map.set(key, idx);
  else if (typeof b === 'number') {
    if (b !== idx) map.set(key, [b, idx]);
  } else if (!b.includes(idx)) b.push(idx);
}

function bucketItems(b: Bucket | undefined): readonly number[] {
  if (b === undefined) return [];
  return typeof b === 'number' ? [b] : b;
}

/** Documents by reference key. Items are kept by position to keep a million keys cheap. */
export class ReferenceIndex<T> {
  private readonly items: T[] = [];
  private readonly refs: string[][] = [];
  private readonly byFold = new Map<string, Bucket>();
  private readonly byCore = new Map<string, Bucket>();

  /** Adds a document under each of its references (invoice number, PO number, …). */
  add(item: T, references: readonly (string | null | undefined)[]): void {
    const idx = this.items.length;
    const refs = references.filter((r): r is string => typeof r === 'string' && plainRef(r).length > 0);
    this.items.push(item);
    this.refs.push(refs.map(plainRef));
    for (const r of refs) {
      const f = foldRef(r);
      if (f.length >= 3) push(this.byFold, f, idx);
      for (const c of coreKeys(r)) push(this.byCore, c, idx);
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Hits of one token, the strongest reading per document. */
  lookup(token: string): RefHit<T>[] {
    const plain = plainRef(token);
    if (plain.length === 0) return [];
    const best = new Map<number, RefStrength>();
    for (const idx of bucketItems(this.byFold.get(foldRef(token)))) {
      best.set(idx, (this.refs[idx] ?? []).includes(plain) ? 'exact' : 'ocr');
    }
    for (const c of coreKeys(token)) {
      for (const idx of bucketItems(this.byCore.get(c))) if (!best.has(idx)) best.set(idx, 'core');
    }
    return [...best.entries()].map(([idx, strength]) => ({ item: this.items[idx] as T, token, strength }));
  }

  /** Every hit in a text, strongest reading per document. */
  search(text: string): RefHit<T>[] {
    const rank: Record<RefStrength, number> = { exact: 3, ocr: 2, core: 1 };
    const best = new Map<T, RefHit<T>>();
    for (const token of referenceTokens(text)) {
      for (const hit of this.lookup(token)) {
        const prev = best.get(hit.item);
        if (!prev || rank[hit.strength] > rank[prev.strength]) best.set(hit.item, hit);
      }
    }
    return [...best.values()];
  }
}

/** True when a and b differ by at most one substitution, insertion, deletion or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  if (la === lb) {
    const diffs: number[] = [];
    for (let i = 0; i < la; i++) if (a[i] !== b[i]) diffs.push(i);
    if (diffs.length === 1) return true;
    const [i, j] = diffs;
    return diffs.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  }
  const [s, l] = la < lb ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}

/**
 * An amount as payers write it: "1,234.56", "1.234,56", "1 234,56", "1234.5" is not one (two
 * decimals are required so invoice numbers and quantities are never read as money).
 */
export function parseWrittenAmount(text: string): bigint | null {
  const t = text.replace(/^(USD|EUR|GBP|CHF|CAD|AUD|[$€£])/i, '').replace(/(USD|EUR|GBP|CHF|CAD|AUD|[$€£])$/i, '');
  const m = /^(\d{1,3}(?:([,.' \u00a0])\d{3})*|\d+)([.,])(\d{2})$/.exec(t);
  if (!m) return null;
  const [, whole = '', thousands, decimal] = m;
  if (thousands !== undefined && thousands === decimal) return null;
  return BigInt(whole.replace(/[,.' \u00a0]/g, '')) * 100n + BigInt(m[4] ?? '0');
}

/**
 * Remittance advices list what is paid per document: "INV-1 1,234.56; INV-2 99.00". Returns the
 * amount written right after each reference token (a currency code or ':' may sit between).
 */
export function statedAmounts(text: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const tokens = text
    .split(/[\s;|]+/)
    .map((t) => t.replace(/^[#(]+|[,:=)]+$/g, ''))
    .filter((t) => t !== '' && !/^(USD|EUR|GBP|CHF|CAD|AUD|[$€£:=-])$/i.test(t));
  for (let i = 0; i + 1 < tokens.length; i++) {
    const ref = tokens[i] ?? '';
    if (!/\d/.test(ref) || parseWrittenAmount(ref) !== null || DATE_LIKE.test(ref)) continue;
    const amount = parseWrittenAmount(tokens[i + 1] ?? '');
    if (amount !== null && amount > 0n) out.set(ref, amount);
  }
  return out;
}
