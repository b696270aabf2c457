/**
 * The matching rules: a received payment → the open items it pays, with a confidence and the
 * evidence behind it. Pure: the caller hands in open items, customers and learned payer accounts,
 * and decides what to do with the ranked proposals. Confidence is the product of how sure we are
 * of the customer and how sure we are of the items, so a perfect amount match from a payer we
 * cannot place never applies on its own.
 */
import { NameIndex } from './names.ts';
import { ReferenceIndex, coreKeys, plainRef, referenceTokens, statedAmounts, withinOneEdit, type RefStrength } from './references.ts';
import { findSmallestSubsets, findSubsets, type SubsetItem } from './subset-sum.ts';
import { discountedAmount, discountedCents, guessDeductionCause, type DeductionCause } from './terms.ts';
import { FxRates, fxAllocations, fxEvidence, fxFit } from './match-fx.ts';

export interface OpenItem {
  readonly kind: 'invoice' | 'credit_note';
  readonly id: string;
  readonly customerId: string;
  readonly currency: string;
  readonly documentDate: string;
  readonly dueDate: string;
  readonly amountCents: bigint;
  /** Still open; a credit note's unused credit is positive. Lowered as a run applies cash. */
  openCents: bigint;
  readonly poNumber: string | null;
  readonly taxCents: bigint | null;
  readonly discountPct: number | null;
  readonly discountDays: number | null;
}

export interface CustomerInfo {
  readonly customerId: string;
  readonly name: string;
  /** Groups often pay their subsidiaries' invoices centrally. */
  readonly parentId?: string | null;
}

export interface PaymentToMatch {
  readonly paymentId: string;
  readonly customerId: string | null;
  readonly payerName: string | null;
  readonly receivedDate: string;
  readonly valueDate: string | null;
  /** Unapplied remainder of the payment. */
  readonly amountCents: bigint;
  readonly currency: string;
  readonly reference: string | null;
  readonly remittanceText: string | null;
  readonly bankAccount: string | null;
}

export interface Allocation {
  readonly kind: 'invoice' | 'credit_note';
  readonly id: string;
  /** Cash put on the item; negative for a credit note the payer deducted. */
  readonly cents: bigint;
  readonly discounted: boolean;
  /** Cross-currency only: what the allocation takes from the payment, in the payment's currency. */
  readonly paymentCents?: bigint;
  /** Cross-currency only: payment currency → document currency rate used. */
  readonly fxRate?: number;
}

export interface Deduction {
  readonly invoiceId: string;
  readonly cents: bigint;
  readonly cause: DeductionCause;
  readonly because: string;
}

export interface Proposal {
  readonly customerId: string | null;
  readonly allocations: readonly Allocation[];
  readonly onAccountCents: bigint;
  readonly deduction: Deduction | null;
  readonly rule: string;
  readonly confidence: number;
  readonly evidence: readonly string[];
}

export interface MatchOptions {
  /** At or above: applied automatically. Below: exceptions queue. */
  readonly autoThreshold: number;
  /** A short payment up to this share of the referenced items is a deduction; beyond, a partial payment. */
  readonly shortPayTolerance: number;
  readonly maxSubsetItems: number;
  readonly maxSubsetNodes: number;
  readonly maxCandidates: number;
  /** A payment in another currency pays documents when, converted, it is within this share of them. */
  readonly fxTolerance: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = {
  autoThreshold: 0.85,
  shortPayTolerance: 0.1,
  maxSubsetItems: 30,
  maxSubsetNodes: 20_000,
  maxCandidates: 5,
  fxTolerance: 0.02,
};

export interface MatchOutcome {
  readonly decision: 'auto' | 'exception';
  readonly candidates: readonly Proposal[];
}

/** Normalised bank account: IBANs and account numbers are written with and without spaces. */
export function accountKey(account: string | null | undefined): string | null {
  if (!account) return null;
  const k = account.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return k.length >= 4 ? k : null;
}

const STRENGTH_FACTOR: Record<RefStrength, number> = { exact: 1, ocr: 0.98, core: 0.95 };

interface RefGroup {
  /** Documents the text names (exactly, OCR-folded, by numeric core, or by a unique one-edit typo). */
  readonly items: OpenItem[];
  /** Documents a typo could mean, more than one each: the amount has to choose. */
  readonly optional: OpenItem[];
  strength: number;
  readonly tokens: string[];
  /** Amount the payer wrote next to a document. */
  readonly stated: Map<OpenItem, bigint>;
}

function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

function medianDay(items: readonly OpenItem[]): number {
  const days = items.map((it) => dayNumber(it.documentDate)).sort((a, b) => a - b);
  return days[Math.floor(days.length / 2)] ?? 0;
}

interface CustomerEvidence {
  score: number;
  readonly why: string[];
}

export class MatchContext {
  readonly options: MatchOptions;
  private readonly refIndex = new ReferenceIndex<OpenItem>();
  private readonly byCustomer = new Map<string, OpenItem[]>();
  private readonly invoicesById = new Map<string, OpenItem>();
  private readonly creditNotesById = new Map<string, OpenItem>();
  private readonly names: NameIndex;
  private readonly customerNames = new Map<string, string>();
  /** account → customer → times seen. */
  private readonly accounts = new Map<string, Map<string, number>>();
  private readonly rejected = new Set<string>();
  private readonly reviewed = new Set<string>();
  private readonly parentOf = new Map<string, string>();
  private readonly childrenOf = new Map<string, string[]>();
  /** Rates for cross-currency matches (fx_rates); empty: payments only match documents in their currency. */
  fx = new FxRates();

  constructor(
    items: Iterable<OpenItem>,
    customers: Iterable<CustomerInfo>,
    options: Partial<MatchOptions> = {},
  ) {
    this.options = { ...DEFAULT_MATCH_OPTIONS, ...options };
    const all = [...customers];
    for (const c of all) {
      this.customerNames.set(c.customerId, c.name);
      if (c.parentId && c.parentId !== c.customerId) {
        this.parentOf.set(c.customerId, c.parentId);
        const kids = this.childrenOf.get(c.parentId);
        if (kids) kids.push(c.customerId);
        else this.childrenOf.set(c.parentId, [c.customerId]);
      }
    }
    this.names = new NameIndex(all);
    this.addItems(items);
  }

  /**
   * Adds open items. `referenceItems` (a subset of `items`, the same objects) are the only ones a
   * remittance reference is looked up among; by default every item. Passing fewer is exact only when
   * they include every item any pending payment's reference tokens can find (candidates.ts does this
   * set-wise in DuckDB, so a million open items need not be keyed in TypeScript).
   */
  addItems(items: Iterable<OpenItem>, referenceItems?: Iterable<OpenItem>): void {
    const touched = new Set<OpenItem[]>();
    for (const it of items) {
      // keyed by the id string itself: a million concatenated keys cost more than the lookups they serve
      (it.kind === 'invoice' ? this.invoicesById : this.creditNotesById).set(it.id, it);
      if (!referenceItems) this.refIndex.add(it, referencesOf(it));
      let list = this.byCustomer.get(it.customerId);
      if (!list) this.byCustomer.set(it.customerId, (list = []));
      list.push(it);
      touched.add(list);
    }
    if (referenceItems) for (const it of referenceItems) this.refIndex.add(it, referencesOf(it));
    for (const list of touched) list.sort(byDue);
  }

  /**
   * Customers whose open items matching this payment can touch, apart from those its references
   * find: every customer with evidence (id, payer account, name) and each one's corporate family
   * (parent, subsidiaries, siblings), since a parent pays for its subsidiaries.
   */
  customersInPlay(p: PaymentToMatch): Set<string> {
    const out = new Set<string>();
    for (const cid of this.customerEvidence(p).keys()) for (const f of this.family(cid)) out.add(f);
    return out;
  }

  /** A customer, its parent, its subsidiaries and its parent's subsidiaries. */
  family(customerId: string): string[] {
    const parentId = this.parentOf.get(customerId);
    const out = [customerId, ...(this.childrenOf.get(customerId) ?? [])];
    if (parentId !== undefined) out.push(parentId, ...(this.childrenOf.get(parentId) ?? []));
    return out;
  }

  learnAccount(account: string | null, customerId: string, weight = 1): void {
    const key = accountKey(account);
    if (!key) return;
    let m = this.accounts.get(key);
    if (!m) this.accounts.set(key, (m = new Map()));
    m.set(customerId, (m.get(customerId) ?? 0) + weight);
  }

  /** A proposal a person rejected is never proposed again for that payment. */
  reject(paymentId: string, targetKey: string): void {
    this.rejected.add(`${paymentId}|${targetKey}`);
    this.reviewed.add(paymentId);
  }

  /** A person has worked on this payment: it stays with them rather than applying on its own. */
  isReviewed(paymentId: string): boolean {
    return this.reviewed.has(paymentId);
  }

  isRejected(paymentId: string, proposal: Proposal): boolean {
    return this.rejected.has(`${paymentId}|${proposalKey(proposal)}`);
  }

  openItems(customerId: string, currency: string): OpenItem[] {
    return (this.byCustomer.get(customerId) ?? []).filter((it) => it.openCents > 0n && it.currency === currency);
  }

  searchReferences(text: string) {
    return this.refIndex.search(text);
  }

  lookupReference(token: string) {
    return this.refIndex.lookup(token);
  }

  /** Open items of a customer and its subsidiaries in currencies other than `currency`. */
  familyItemsInOtherCurrencies(customerId: string, currency: string): OpenItem[] {
    const ids = [customerId, ...(this.childrenOf.get(customerId) ?? [])];
    return ids.flatMap((id) => (this.byCustomer.get(id) ?? []).filter((it) => it.openCents > 0n && it.currency !== currency)).sort(byDue);
  }

  /** Open items of a customer and of its subsidiaries, which a parent may pay for. */
  familyItems(customerId: string, currency: string): OpenItem[] {
    const own = this.openItems(customerId, currency);
    const kids = this.childrenOf.get(customerId);
    if (!kids) return own;
    return [...own, ...kids.flatMap((k) => this.openItems(k, currency))].sort(byDue);
  }

  root(customerId: string): string {
    return this.parentOf.get(customerId) ?? customerId;
  }

  parent(customerId: string): string | undefined {
    return this.parentOf.get(customerId);
  }

  customerName(customerId: string): string | undefined {
    return this.customerNames.get(customerId);
  }

  /**
   * Lowers open amounts after an application so later payments of the run see what is left. Items are
   * found by kind and id among those the context holds, or in `items` (keyed by itemKey) when given.
   */
  consume(allocations: readonly Allocation[], items?: ReadonlyMap<string, OpenItem>): void {
    for (const a of allocations) {
      const it = items ? items.get(itemKey(a.kind, a.id)) : (a.kind === 'invoice' ? this.invoicesById : this.creditNotesById).get(a.id);
      if (!it) continue;
      const used = a.cents < 0n ? -a.cents : a.cents;
      // A discounted payment settles the whole invoice, not only the cash received.
      it.openCents = a.discounted ? 0n : it.openCents - used;
      if (it.openCents < 0n) it.openCents = 0n;
    }
  }

  customerEvidence(p: PaymentToMatch): Map<string, CustomerEvidence> {
    const out = new Map<string, CustomerEvidence>();
    const add = (customerId: string, score: number, why: string) => {
      const e = out.get(customerId);
      if (!e) out.set(customerId, { score, why: [why] });
      else {
        // Independent signals reinforce each other (noisy-or), never beyond near-certainty.
        e.score = Math.min(0.995, 1 - (1 - e.score) * (1 - score));
        e.why.push(why);
      }
    };
    if (p.customerId) add(p.customerId, 0.99, `payment names customer ${p.customerId}`);
    const acct = accountKey(p.bankAccount);
    const seen = acct ? this.accounts.get(acct) : undefined;
    if (seen && seen.size > 0) {
      const total = [...seen.values()].reduce((s, v) => s + v, 0);
      // One account paying a parent and its subsidiaries is the group's central payer, not an ambiguity.
      const roots = new Set([...seen.keys()].map((c) => this.root(c)));
      const [onlyRoot] = roots;
      if (seen.size > 1 && roots.size === 1 && onlyRoot !== undefined) {
        add(onlyRoot, 0.97, `payer account ${p.bankAccount} paid ${onlyRoot} and its subsidiaries before (${total})`);
      }
      for (const [cid, n] of seen) {
        const share = n / total;
        add(cid, share === 1 ? 0.97 : 0.5 * share, `payer account ${p.bankAccount} paid ${cid} before (${n}/${total})`);
      }
    }
    if (p.payerName) {
      const hits = this.names.search(p.payerName, 5, 0.75);
      const top = hits[0]?.similarity ?? 0;
      for (const h of hits) {
        // An identical name is only in doubt when another customer's name is identical too.
        const close = hits.some(
          (o) => o.customerId !== h.customerId && this.root(o.customerId) !== this.root(h.customerId) && o.similarity >= h.similarity - 0.02 && (h.similarity < 1 || o.similarity === 1),
        );
        let score = h.similarity >= 0.97 ? 0.95 : h.similarity >= 0.9 ? 0.88 : h.similarity >= 0.85 ? 0.75 : 0.55;
        if (close) score *= 0.7;
        if (h.similarity < top - 0.1) continue;
        add(h.customerId, score, `payer name "${p.payerName}" ~ "${this.customerNames.get(h.customerId) ?? h.customerId}" (${h.similarity.toFixed(2)})`);
      }
    }
    return out;
  }
}

/** The references a document is known by: an invoice's number and PO number, a credit note's number. */
export function referencesOf(it: OpenItem): (string | null)[] {
  return it.kind === 'invoice' ? [it.id, it.poNumber] : [it.id];
}

function byDue(a: OpenItem, b: OpenItem): number {
  if (a.kind !== b.kind) return a.kind === 'credit_note' ? -1 : 1;
  return a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function itemKey(kind: 'invoice' | 'credit_note', id: string): string {
  return `${kind === 'invoice' ? 'I' : 'C'}:${id}`;
}

/** Identity of what a proposal applies to, so a rejection can be remembered. */
export function proposalKey(p: Pick<Proposal, 'customerId' | 'allocations'>): string {
  if (p.allocations.length === 0) return `account:${p.customerId ?? ''}`;
  return p.allocations
    .map((a) => itemKey(a.kind, a.id))
    .sort()
    .join(',');
}

function signed(it: OpenItem): bigint {
  return it.kind === 'credit_note' ? -it.openCents : it.openCents;
}

function discountOption(it: OpenItem, p: PaymentToMatch): bigint | null {
  // Only an untouched invoice can be settled at its discounted amount.
  if (it.kind !== 'invoice' || it.openCents !== it.amountCents) return null;
  const terms = { invoiceDate: it.documentDate, discountPct: it.discountPct, discountDays: it.discountDays };
  return discountedAmount(terms, it.amountCents, p.receivedDate) ?? (p.valueDate ? discountedAmount(terms, it.amountCents, p.valueDate) : null);
}

function subsetItems(items: readonly OpenItem[], p: PaymentToMatch): SubsetItem[] {
  return items.map((it, key) => {
    const d = discountOption(it, p);
    const options = [{ cents: signed(it), discounted: false }];
    if (d !== null && d !== it.openCents) options.push({ cents: d, discounted: true });
    return { key, options };
  });
}

function fullAllocations(items: readonly OpenItem[]): Allocation[] {
  return items.map((it) => ({ kind: it.kind, id: it.id, cents: signed(it), discounted: false }));
}

/** Spreads cash over items credit notes first, then oldest due date first. */
function spread(items: readonly OpenItem[], cents: bigint): { allocations: Allocation[]; left: bigint } {
  const allocations: Allocation[] = [];
  let left = cents;
  for (const it of [...items].sort(byDue)) {
    if (it.kind === 'credit_note') {
      allocations.push({ kind: it.kind, id: it.id, cents: -it.openCents, discounted: false });
      left += it.openCents;
    }
  }
  for (const it of [...items].sort(byDue)) {
    if (it.kind !== 'invoice' || left <= 0n) continue;
    const take = left < it.openCents ? left : it.openCents;
    allocations.push({ kind: it.kind, id: it.id, cents: take, discounted: false });
    left -= take;
  }
  return { allocations, left };
}

function total(items: readonly OpenItem[]): bigint {
  return items.reduce((s, it) => s + signed(it), 0n);
}

function fmt(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}

function picksToAllocations(items: readonly OpenItem[], picks: readonly { key: number; cents: bigint; discounted: boolean }[]): Allocation[] {
  return picks
    .map((pk) => {
      const it = items[pk.key] as OpenItem;
      return { kind: it.kind, id: it.id, cents: pk.cents, discounted: pk.discounted };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Age rank of a subset: payers clear their oldest items first, so the older solution wins a tie. */
function ageScore(items: readonly OpenItem[], picks: readonly { key: number }[]): string {
  return picks
    .map((pk) => items[pk.key]?.dueDate ?? '')
    .sort()
    .join('|');
}

interface Builder {
  customerId: string | null;
  rule: string;
  base: number;
  allocations: Allocation[];
  onAccountCents?: bigint;
  deduction?: Deduction | null;
  evidence: string[];
}

function make(b: Builder, customerFactor: number): Proposal {
  return {
    customerId: b.customerId,
    allocations: b.allocations,
    onAccountCents: b.onAccountCents ?? 0n,
    deduction: b.deduction ?? null,
    rule: b.rule,
    confidence: Math.round(Math.min(0.999, b.base * customerFactor) * 1000) / 1000,
    evidence: b.evidence,
  };
}

/** Proposals for one payment, best first. Never mutates the context. */
export function proposeMatches(ctx: MatchContext, p: PaymentToMatch): Proposal[] {
  const o = ctx.options;
  const text = [p.remittanceText, p.reference].filter((t): t is string => !!t && t.trim() !== '').join(' ');
  const evidence = ctx.customerEvidence(p);
  const proposals: Proposal[] = [];
  const R = p.amountCents;
  if (R <= 0n) return [];

  // ---- Rule family 1: documents referenced in the remittance text.
  const hits = text ? ctx.searchReferences(text) : [];
  const openHits = hits.filter((h) => h.item.openCents > 0n && h.item.currency === p.currency);
  const byCust = new Map<string, RefGroup>();
  const group = (cid: string): RefGroup => {
    let g = byCust.get(cid);
    if (!g) byCust.set(cid, (g = { items: [], optional: [], strength: 1, tokens: [], stated: new Map() }));
    return g;
  };
  const written = text ? statedAmounts(text) : new Map<string, bigint>();
  const writtenByRef = new Map([...written.entries()].map(([t, c]) => [plainRef(t), c]));
  const noteStated = (g: RefGroup, token: string, it: OpenItem) => {
    const c = writtenByRef.get(plainRef(token));
    if (c !== undefined) g.stated.set(it, c);
  };
  for (const h of openHits) {
    const g = group(h.item.customerId);
    if (g.items.includes(h.item)) continue;
    g.items.push(h.item);
    g.strength = Math.min(g.strength, STRENGTH_FACTOR[h.strength]);
    g.tokens.push(`${h.token}→${h.item.id} (${h.strength})`);
    noteStated(g, h.token, h.item);
  }
  if (text) {
    // References that found nothing may be typos ("1015137" for "1015173", a dropped digit): try them
    // against the open items of customers already in play, never against the whole ledger. A typo
    // that fits several items only makes them candidates for the amount to decide.
    const resolved = new Set(hits.map((h) => h.token));
    const unresolved = referenceTokens(text).filter((t) => !resolved.has(t) && ctx.lookupReference(t).length === 0);
    if (unresolved.length > 0) {
      const inPlay = new Set([...byCust.keys(), ...[...evidence.entries()].filter(([, e]) => e.score >= 0.7).map(([c]) => c)]);
      for (const cid of inPlay) {
        const pool = ctx.familyItems(ctx.parent(cid) ?? cid, p.currency);
        const taken = new Set(byCust.get(cid)?.items ?? []);
        for (const token of unresolved) {
          const found = fuzzyReferenceHits(pool, token).filter((x) => !taken.has(x.item));
          if (found.length === 0) continue;
          const g = group(cid);
          const only = found.length === 1 ? found[0] : undefined;
          if (only) {
            g.items.push(only.item);
            taken.add(only.item);
            g.strength = Math.min(g.strength, 0.9);
            g.tokens.push(`${token}→${only.item.id} (one edit)`);
            noteStated(g, token, only.item);
          } else {
            for (const x of found) if (!g.optional.includes(x.item)) g.optional.push(x.item);
            g.tokens.push(`${token}→${found.length} items within one edit`);
          }
        }
      }
    }
  }
  // Core-only hits on many customers are noise unless the customer or the amount agrees.
  const strongOther = (cid: string) => [...evidence.entries()].some(([c, e]) => c !== cid && c !== ctx.parent(cid) && e.score >= 0.9);
  const support = (cid: string): CustomerEvidence | undefined => {
    const own = evidence.get(cid);
    const parentId = ctx.parent(cid);
    const viaParent = parentId ? evidence.get(parentId) : undefined;
    if (viaParent && (!own || own.score < viaParent.score * 0.95)) {
      return { score: viaParent.score * 0.95, why: [...viaParent.why, `${parentId} is the parent of ${cid}`] };
    }
    return own;
  };
  const anySignal = !!p.customerId || !!accountKey(p.bankAccount) || !!p.payerName;
  const referenceFactor = (cid: string, cust: CustomerEvidence | undefined) =>
    cust && cust.score >= 0.7 ? 1 : strongOther(cid) ? 0.75 : anySignal ? 0.92 : 0.97;
  for (const [cid, g] of byCust) {
    const cust = support(cid);
    const customerFactor = referenceFactor(cid, cust);
    const why = [`referenced: ${g.tokens.join(', ')}`, ...(cust?.why ?? [])];
    const items = [...g.items].sort(byDue);
    const sum = total(items);
    const tag = g.strength === 1 ? 'reference_exact' : 'reference_fuzzy';
    const f = g.strength * customerFactor;
    // Items the text did not name (or named ambiguously) that could make up a difference: ambiguous
    // typo matches first, then the customer's other open items closest in date to the named ones.
    const restPool = (): OpenItem[] => {
      const named = new Set(items);
      const center = medianDay(items.length > 0 ? items : g.optional);
      const others = ctx
        .familyItems(ctx.parent(cid) ?? cid, p.currency)
        .filter((it) => !named.has(it) && !g.optional.includes(it))
        .sort((a, b) => Math.abs(dayNumber(a.documentDate) - center) - Math.abs(dayNumber(b.documentDate) - center));
      return [...g.optional.filter((it) => !named.has(it)), ...others];
    };
    const uniqueRest = (cents: bigint): Allocation[] | null => {
      if (cents <= 0n) return null;
      const pool = restPool();
      const rest = findSmallestSubsets(subsetItems(pool, p), cents, { maxPicks: 6, maxNodes: o.maxSubsetNodes, searchItems: o.maxSubsetItems });
      const r0 = rest.solutions[0];
      return r0 && rest.solutions.length === 1 && rest.complete ? picksToAllocations(pool, r0) : null;
    };

    if (g.stated.size > 0 && items.length > 0) {
      // The payer wrote what they pay per document: believe it when it adds up.
      let mismatch = false;
      const allocations: Allocation[] = items.map((it) => {
        const stated = g.stated.get(it);
        if (stated === undefined) return { kind: it.kind, id: it.id, cents: signed(it), discounted: false };
        const disc = discountOption(it, p);
        if (stated > it.openCents) mismatch = true;
        const cents = stated > it.openCents ? it.openCents : stated;
        return { kind: it.kind, id: it.id, cents: it.kind === 'credit_note' ? -cents : cents, discounted: disc !== null && disc === stated };
      });
      const statedSum = allocations.reduce((s, a) => s + a.cents, 0n);
      const shorts = items.filter((it) => {
        const st = g.stated.get(it);
        return it.kind === 'invoice' && st !== undefined && st < it.openCents && discountOption(it, p) !== st;
      });
      const note = `amounts written per document add up to ${fmt(statedSum)}`;
      if (!mismatch && statedSum === R) {
        proposals.push(make({ customerId: cid, rule: 'reference_stated_amounts', base: 0.98, allocations, evidence: [...why, note, ...(shorts.length > 0 ? [`${shorts.length} document(s) paid in part`] : [])] }, f));
        continue;
      }
      if (!mismatch && statedSum < R) {
        const rest = uniqueRest(R - statedSum);
        if (rest) {
          proposals.push(
            make({ customerId: cid, rule: 'reference_stated_plus_amount', base: 0.93, allocations: [...allocations, ...rest], evidence: [...why, note, `remaining ${fmt(R - statedSum)} = ${rest.length} further open item(s)`] }, f),
          );
          continue;
        }
      }
    }
    if (items.length === 0) {
      const rest = uniqueRest(R);
      if (rest) proposals.push(make({ customerId: cid, rule: 'reference_ambiguous_amount', base: 0.9, allocations: rest, evidence: [...why, `amount ${fmt(R)} picks ${rest.length} of the candidates`] }, f));
      continue;
    }
    if (sum === R) {
      proposals.push(make({ customerId: cid, rule: tag, base: 0.99, allocations: fullAllocations(items), evidence: [...why, `amount ${fmt(R)} = referenced open items`] }, f));
      continue;
    }
    const sub = findSubsets(subsetItems(items, p), R, { maxPicks: o.maxSubsetItems, maxNodes: o.maxSubsetNodes });
    const first = sub.solutions[0];
    if (first) {
      const unique = sub.solutions.length === 1 && sub.complete;
      const disc = first.some((x) => x.discounted);
      const all = first.length === items.length;
      const rule = disc ? (all ? `${tag}_discount` : 'reference_subset_discount') : 'reference_subset';
      proposals.push(
        make(
          {
            customerId: cid,
            rule,
            base: unique ? (all ? 0.98 : 0.95) : 0.7,
            allocations: picksToAllocations(items, first),
            evidence: [...why, disc ? `amount ${fmt(R)} = referenced items net of early-payment discount` : `amount ${fmt(R)} = ${first.length} of ${items.length} referenced items`],
          },
          f,
        ),
      );
      continue;
    }
    if (R > sum) {
      const rest = uniqueRest(R - sum);
      const excessSmall = Number(R - sum) <= o.shortPayTolerance * Number(sum);
      if (rest) {
        proposals.push(
          make(
            {
              customerId: cid,
              rule: 'reference_plus_amount',
              base: 0.95,
              allocations: [...fullAllocations(items), ...rest],
              evidence: [...why, `remaining ${fmt(R - sum)} = ${rest.length} further open item(s) of the customer (unique combination)`],
            },
            f,
          ),
        );
      }
      proposals.push(
        make(
          {
            customerId: cid,
            rule: 'reference_overpayment',
            // A small excess is a real overpayment; a large one, or one that open items explain
            // exactly, usually pays items the text left out.
            base: excessSmall && !rest ? 0.9 : 0.5,
            allocations: fullAllocations(items),
            onAccountCents: R - sum,
            evidence: [...why, `paid ${fmt(R)} for ${fmt(sum)} open: ${fmt(R - sum)} on account`],
          },
          f,
        ),
      );
      continue;
    }
    // R < sum: a deduction when the gap is small, a partial payment when it is not.
    const gap = sum - R;
    const { allocations } = spread(items, R);
    const lastInvoice = [...allocations].reverse().find((a) => a.kind === 'invoice');
    const shortOn = items.find((it) => it.id === lastInvoice?.id && it.kind === 'invoice');
    const within = Number(gap) <= o.shortPayTolerance * Number(sum);
    if (within && shortOn) {
      const lateDiscount = lateDiscountOf(shortOn);
      const guess = guessDeductionCause({ text, shortfallCents: gap, invoiceCents: shortOn.amountCents, taxCents: shortOn.taxCents, lateDiscountCents: lateDiscount });
      proposals.push(
        make(
          {
            customerId: cid,
            rule: 'reference_short_pay',
            base: 0.93,
            allocations,
            deduction: { invoiceId: shortOn.id, cents: gap, cause: guess.cause, because: guess.because },
            evidence: [...why, `short by ${fmt(gap)} (${((100 * Number(gap)) / Number(sum)).toFixed(1)}%): deduction on ${shortOn.id}, cause ${guess.cause} — ${guess.because}`],
          },
          f,
        ),
      );
    } else {
      // One named document: the whole payment is on it. Several: how the payer split it is a guess.
      proposals.push(
        make(
          { customerId: cid, rule: 'reference_partial', base: items.length === 1 ? 0.9 : 0.8, allocations, evidence: [...why, `partial payment: ${fmt(R)} of ${fmt(sum)} referenced`] },
          f,
        ),
      );
    }
  }

  // ---- Rule family 1b: documents referenced in another currency than the payment's.
  proposals.push(...fxReferenceProposals(ctx, p, hits, (cid) => {
    const cust = support(cid);
    return { factor: referenceFactor(cid, cust), why: cust?.why ?? [] };
  }));

  // ---- Rule family 2: the customer is known (id, account, name); the amount picks the items.
  const ranked = [...evidence.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, 3);
  const refCustomers = new Set(byCust.keys());
  for (const [cid, ev] of ranked) {
    if (ev.score < 0.5) continue;
    const items = ctx.familyItems(cid, p.currency);
    const why = ev.why;
    // When the payer referenced documents of this customer, amount-only guesses are weaker alternatives.
    const dampen = refCustomers.has(cid) ? 0.9 : 1;
    const cf = ev.score * dampen;
    if (items.length === 0) {
      // Nothing open in the payment's currency: the payment may pay documents in another one.
      proposals.push(...fxAmountProposals(ctx, p, cid, why, cf));
      proposals.push(make({ customerId: cid, rule: 'on_account_no_open_items', base: 0.6, allocations: [], onAccountCents: R, evidence: [...why, 'customer has no open items'] }, cf));
      continue;
    }
    const exact = items.filter((it) => it.kind === 'invoice' && it.openCents === R);
    if (exact.length === 1) {
      proposals.push(
        make({ customerId: cid, rule: 'amount_exact', base: 0.97, allocations: fullAllocations(exact), evidence: [...why, `only open item of ${fmt(R)}`] }, cf),
      );
      continue;
    }
    // Several items of exactly this amount: each is a candidate, oldest first; none is sure.
    exact.slice(0, o.maxCandidates).forEach((it, i) => {
      proposals.push(
        make(
          {
            customerId: cid,
            rule: 'amount_exact_oldest',
            base: 0.72 - i * 0.01,
            allocations: fullAllocations([it]),
            evidence: [...why, `${exact.length} open items of ${fmt(R)}; ${i === 0 ? 'oldest' : `number ${i + 1} by due date`}`],
          },
          cf,
        ),
      );
    });
    const disc = items.filter((it) => discountOption(it, p) === R);
    if (disc.length >= 1 && exact.length === 0) {
      proposals.push(
        make(
          {
            customerId: cid,
            rule: 'amount_discount',
            base: disc.length === 1 ? 0.95 : 0.7,
            allocations: [{ kind: 'invoice', id: (disc[0] as OpenItem).id, cents: R, discounted: true }],
            evidence: [...why, `${fmt(R)} = ${(disc[0] as OpenItem).id} net of ${(disc[0] as OpenItem).discountPct}% early-payment discount`],
          },
          cf,
        ),
      );
      if (disc.length === 1) continue;
    }
    const sum = total(items);
    if (sum === R && items.length > 1) {
      proposals.push(make({ customerId: cid, rule: 'amount_all_open', base: 0.96, allocations: fullAllocations(items), evidence: [...why, `amount = all ${items.length} open items`] }, cf));
      continue;
    }
    const pool = items;
    const sub = findSmallestSubsets(subsetItems(pool, p), R, { maxPicks: 8, maxNodes: o.maxSubsetNodes, maxSolutions: 4, searchItems: o.maxSubsetItems });
    if (sub.solutions.length > 0) {
      const unique = sub.solutions.length === 1 && sub.complete;
      const ordered = [...sub.solutions].sort((a, b) => (ageScore(pool, a) < ageScore(pool, b) ? -1 : 1));
      ordered.forEach((sol, i) => {
        const hasDisc = sol.some((x) => x.discounted);
        proposals.push(
          make(
            {
              customerId: cid,
              rule: unique ? (hasDisc ? 'amount_subset_discount' : 'amount_subset') : 'amount_subset_ambiguous',
              base: unique ? (sol.length <= 3 ? 0.93 : 0.9) : 0.6 - i * 0.01,
              allocations: picksToAllocations(pool, sol),
              evidence: [...why, unique ? `amount = ${sol.length} open items (unique combination)` : `amount = one of ${ordered.length}+ combinations of open items (oldest first)`],
            },
            cf,
          ),
        );
      });
      continue;
    }
    if (R > sum && sum > 0n) {
      proposals.push(
        make(
          { customerId: cid, rule: 'amount_overpayment', base: 0.75, allocations: fullAllocations(items), onAccountCents: R - sum, evidence: [...why, `pays more than all open items: ${fmt(R - sum)} on account`] },
          cf,
        ),
      );
      continue;
    }
    const near = items
      .filter((it) => it.kind === 'invoice' && it.openCents > R && Number(it.openCents - R) <= o.shortPayTolerance * Number(it.openCents))
      .sort((a, b) => (a.openCents - R < b.openCents - R ? -1 : 1))[0];
    if (near) {
      const gap = near.openCents - R;
      const guess = guessDeductionCause({ text, shortfallCents: gap, invoiceCents: near.amountCents, taxCents: near.taxCents, lateDiscountCents: lateDiscountOf(near) });
      proposals.push(
        make(
          {
            customerId: cid,
            rule: 'amount_short_pay',
            base: 0.65,
            allocations: [{ kind: 'invoice', id: near.id, cents: R, discounted: false }],
            deduction: { invoiceId: near.id, cents: gap, cause: guess.cause, because: guess.because },
            evidence: [...why, `closest open item ${near.id} short by ${fmt(gap)}`],
          },
          cf,
        ),
      );
    }
    proposals.push(make({ customerId: cid, rule: 'on_account_unmatched', base: 0.5, allocations: [], onAccountCents: R, evidence: [...why, 'no combination of open items matches'] }, cf));
  }

  return rank(ctx, p, proposals);
}

/**
 * Documents named in the remittance that are in another currency than the payment: converted at the
 * rate of the value date, the payment settles them when it is within the tolerance of what is open.
 */
function fxReferenceProposals(
  ctx: MatchContext,
  p: PaymentToMatch,
  hits: readonly { item: OpenItem; token: string; strength: RefStrength }[],
  customer: (cid: string) => { factor: number; why: string[] },
): Proposal[] {
  const groups = new Map<string, { cid: string; currency: string; items: OpenItem[]; strength: number; tokens: string[] }>();
  for (const h of hits) {
    if (h.item.openCents <= 0n || h.item.currency === p.currency) continue;
    const key = `${h.item.customerId}|${h.item.currency}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { cid: h.item.customerId, currency: h.item.currency, items: [], strength: 1, tokens: [] }));
    if (g.items.includes(h.item)) continue;
    g.items.push(h.item);
    g.strength = Math.min(g.strength, STRENGTH_FACTOR[h.strength]);
    g.tokens.push(`${h.token}→${h.item.id} (${h.strength}, ${h.item.currency})`);
  }
  const out: Proposal[] = [];
  const date = p.valueDate ?? p.receivedDate;
  const tol = ctx.options.fxTolerance;
  for (const g of groups.values()) {
    const items = [...g.items].sort(byDue);
    // Credit notes in the remittance would need a netting rule across currencies; leave them to people.
    if (items.some((it) => it.kind !== 'invoice')) continue;
    const open = total(items);
    const { factor, why } = customer(g.cid);
    const evidence = [`referenced: ${g.tokens.join(', ')}`, ...why];
    const conversion = ctx.fx.convert(p.currency, g.currency, date);
    if (!conversion) {
      out.push(
        make(
          {
            customerId: g.cid,
            rule: 'reference_fx_no_rate',
            base: 0.5,
            allocations: [],
            evidence: [...evidence, `payment in ${p.currency}, documents in ${g.currency}: no ${p.currency}/${g.currency} rate within ${ctx.fx.maxAgeDays} days before ${date}`],
          },
          factor,
        ),
      );
      continue;
    }
    const fit = fxFit(conversion, p.amountCents, open, tol);
    out.push(
      make(
        {
          customerId: g.cid,
          rule: fit.within ? 'reference_fx' : 'reference_fx_mismatch',
          base: fit.within ? 0.96 : 0.55,
          allocations: fxAllocations(items, p.amountCents, conversion.rate),
          evidence: [...evidence, fxEvidence(fit, p.amountCents, p.currency, open, g.currency, tol)],
        },
        g.strength * factor,
      ),
    );
  }
  return out;
}

/**
 * A known customer with nothing open in the payment's currency: one open invoice in another currency
 * whose amount the converted payment meets within the tolerance (or all of a currency's open invoices
 * together). Several that fit are candidates for a person, never applied.
 */
function fxAmountProposals(ctx: MatchContext, p: PaymentToMatch, cid: string, why: readonly string[], cf: number): Proposal[] {
  const others = ctx.familyItemsInOtherCurrencies(cid, p.currency).filter((it) => it.kind === 'invoice');
  if (others.length === 0) return [];
  const date = p.valueDate ?? p.receivedDate;
  const tol = ctx.options.fxTolerance;
  const singles: { items: OpenItem[]; fit: ReturnType<typeof fxFit>; currency: string }[] = [];
  const wholes: { items: OpenItem[]; fit: ReturnType<typeof fxFit>; currency: string }[] = [];
  for (const currency of new Set(others.map((it) => it.currency))) {
    const conversion = ctx.fx.convert(p.currency, currency, date);
    if (!conversion) continue;
    const pool = others.filter((it) => it.currency === currency);
    for (const it of pool) {
      const fit = fxFit(conversion, p.amountCents, it.openCents, tol);
      if (fit.within) singles.push({ items: [it], fit, currency });
    }
    if (pool.length > 1) {
      const fit = fxFit(conversion, p.amountCents, total(pool), tol);
      if (fit.within) wholes.push({ items: pool, fit, currency });
    }
  }
  // The closest fit first; one that stands alone may apply, several are only candidates.
  singles.sort((a, b) => a.fit.difference - b.fit.difference);
  const build = (c: (typeof singles)[number], rule: string, base: number, note: string) =>
    make(
      {
        customerId: cid,
        rule,
        base,
        allocations: fxAllocations(c.items, p.amountCents, c.fit.conversion.rate),
        evidence: [...why, note, fxEvidence(c.fit, p.amountCents, p.currency, total(c.items), c.currency, tol)],
      },
      cf,
    );
  const out: Proposal[] = [];
  const only = singles.length === 1 && wholes.length === 0 ? singles[0] : undefined;
  if (only) out.push(build(only, 'amount_fx', 0.93, `no open items in ${p.currency}; the only open invoice that the converted amount meets`));
  else {
    singles.slice(0, ctx.options.maxCandidates).forEach((c, i) => out.push(build(c, 'amount_fx_ambiguous', 0.6 - i * 0.01, `one of ${singles.length + wholes.length} ways the converted amount fits open invoices`)));
  }
  const whole = wholes.length === 1 && singles.length === 0 ? wholes[0] : undefined;
  if (whole) out.push(build(whole, 'amount_fx_all_open', 0.9, `no open items in ${p.currency}; converted amount = all ${whole.items.length} open ${whole.currency} invoices`));
  else for (const w of wholes) out.push(build(w, 'amount_fx_ambiguous', 0.58, `converted amount fits all open ${w.currency} invoices, but other combinations fit too`));
  return out;
}

function lateDiscountOf(it: OpenItem): bigint | null {
  if (it.kind !== 'invoice' || it.discountPct === null || it.discountPct <= 0) return null;
  return it.amountCents - discountedCents(it.amountCents, it.discountPct);
}

const CORE_CACHE = new WeakMap<OpenItem, string[]>();

/** One-edit typos of a reference ("12354" for "12345"), checked only against one customer's open items. */
export function fuzzyReferenceHits(items: readonly OpenItem[], text: string): { item: OpenItem; token: string }[] {
  const tokens = referenceTokens(text).flatMap((t) => coreKeys(t).filter((k) => k.length >= 5).map((k) => ({ t, k })));
  if (tokens.length === 0) return [];
  const out: { item: OpenItem; token: string }[] = [];
  for (const it of items) {
    let keys = CORE_CACHE.get(it);
    if (!keys) CORE_CACHE.set(it, (keys = coreKeys(it.id).filter((c) => c.length >= 5)));
    const hit = tokens.find(({ k }) => keys.some((c) => withinOneEdit(c, k)));
    if (hit) out.push({ item: it, token: hit.t });
  }
  return out;
}

function rank(ctx: MatchContext, p: PaymentToMatch, proposals: Proposal[]): Proposal[] {
  const seen = new Map<string, Proposal>();
  for (const pr of proposals) {
    if (ctx.isRejected(p.paymentId, pr)) continue;
    const key = `${proposalKey(pr)}|${fmt(pr.onAccountCents)}`;
    const prev = seen.get(key);
    if (!prev || pr.confidence > prev.confidence) seen.set(key, pr);
  }
  const list = [...seen.values()].sort((a, b) => b.confidence - a.confidence || a.rule.localeCompare(b.rule));
  const [top, second] = list;
  // Two different answers nearly as likely: neither may apply on its own.
  if (top && second && top.confidence < 0.97 && second.confidence >= top.confidence - 0.05 && second.allocations.length > 0 && proposalKey(second) !== proposalKey(top)) {
    list[0] = { ...top, confidence: Math.round(top.confidence * 0.9 * 1000) / 1000, evidence: [...top.evidence, `close alternative: ${second.rule} (${second.confidence})`] };
  }
  return list.slice(0, ctx.options.maxCandidates);
}

export function decide(ctx: MatchContext, p: PaymentToMatch): MatchOutcome {
  const candidates = proposeMatches(ctx, p);
  const top = candidates[0];
  const auto =
    !!top && !ctx.isReviewed(p.paymentId) && top.confidence >= ctx.options.autoThreshold && top.allocations.length + (top.onAccountCents > 0n ? 1 : 0) > 0;
  return { decision: auto ? 'auto' : 'exception', candidates };
}
