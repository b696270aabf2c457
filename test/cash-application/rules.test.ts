import { describe, expect, it } from 'vitest';
import { NameIndex, jaroWinkler, nameSimilarity, normaliseName } from '../../scoring/cash-application/names.ts';
import { ReferenceIndex, coreKeys, expandRanges, foldRef, parseWrittenAmount, referenceTokens, statedAmounts, withinOneEdit } from '../../scoring/cash-application/references.ts';
import { findSmallestSubsets, findSubsets } from '../../scoring/cash-application/subset-sum.ts';
import { discountedAmount, discountedCents, guessDeductionCause } from '../../scoring/cash-application/terms.ts';

describe('payer names', () => {
  it('normalises legal forms, punctuation, accents and case', () => {
    expect(normaliseName('ACME Corp., Inc.')).toBe('acme');
    expect(normaliseName('Müller & Söhne GmbH')).toBe('muller sohne');
    expect(normaliseName('Industrias Pérez S.A. de C.V.')).toBe('industrias perez');
    expect(normaliseName('The Co.')).toBe('the co');
  });

  it('scores Jaro-Winkler like the reference values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('treats truncation and word order as near-identical and different firms as different', () => {
    expect(nameSimilarity('northwind traders international', 'northwind traders')).toBeGreaterThan(0.95);
    expect(nameSimilarity('traders northwind', 'northwind traders')).toBeGreaterThan(0.95);
    expect(nameSimilarity('northwind tradres', 'northwind traders')).toBeGreaterThan(0.85);
    expect(nameSimilarity('contoso pharmaceuticals', 'northwind traders')).toBeLessThan(0.5);
  });

  it('finds the customer behind a bank-mangled payer name', () => {
    const idx = new NameIndex([
      { customerId: 'C1', name: 'Northwind Traders Ltd' },
      { customerId: 'C2', name: 'Contoso Pharmaceuticals Inc.' },
      { customerId: 'C3', name: 'Northwest Tiles LLC' },
    ]);
    expect(idx.search('NORTHWIND TRADERS LIMITED')[0]).toMatchObject({ customerId: 'C1', similarity: 1 });
    expect(idx.search('CONTOSO PHARMACEUTICA')[0]?.customerId).toBe('C2');
    expect(idx.search('Fabrikam Holdings')).toEqual([]);
  });
});

describe('references', () => {
  it('folds OCR look-alikes', () => {
    expect(foldRef('INV-OO1234')).toBe(foldRef('inv 001234'));
    expect(foldRef('1NV-12B45')).toBe(foldRef('INV-12845'));
    expect(foldRef('S0-5')).toBe('505');
  });

  it('derives numeric cores without prefixes and leading zeros', () => {
    expect(coreKeys('INV-0012345')).toContain('12345');
    expect(coreKeys('12345')).toEqual(['12345']);
    expect(coreKeys('INV/2024/00123')).toContain('202400123');
    expect(coreKeys('INV-12')).toEqual([]);
  });

  it('expands ranges, including abbreviated ends, and ignores dates', () => {
    expect(expandRanges('INV-1001 to 1003')).toEqual(['INV-1001', 'INV-1002', 'INV-1003']);
    expect(expandRanges('invoices 20450-52')).toEqual(['20450', '20451', '20452']);
    expect(expandRanges('paid 2026-11-03')).toEqual([]);
    expect(expandRanges('1000-9999')).toEqual([]);
  });

  it('splits several references in one line and skips amounts and dates', () => {
    const t = referenceTokens('INV-1001, INV-1002 & 1003/1004; total 1,234.56 on 2026-11-03');
    expect(t).toEqual(expect.arrayContaining(['INV-1001', 'INV-1002', '1003', '1004']));
    expect(t).not.toContain('1,234.56');
    expect(t).not.toContain('2026-11-03');
  });

  it('looks documents up exactly, through OCR folding and by numeric core', () => {
    const idx = new ReferenceIndex<string>();
    idx.add('a', ['INV-0012345', 'PO-778899']);
    idx.add('b', ['INV-0012346']);
    expect(idx.lookup('inv-0012345')).toEqual([{ item: 'a', token: 'inv-0012345', strength: 'exact' }]);
    expect(idx.lookup('INV-OO12345')[0]).toMatchObject({ item: 'a', strength: 'ocr' });
    expect(idx.lookup('12345')[0]).toMatchObject({ item: 'a', strength: 'core' });
    expect(idx.lookup('PO 778899')[0]).toMatchObject({ item: 'a' });
    expect(idx.search('Re: 12345 and 12346').map((h) => h.item).sort()).toEqual(['a', 'b']);
    expect(idx.lookup('99999')).toEqual([]);
  });

  it('accepts one edit, including an adjacent swap, and nothing more', () => {
    expect(withinOneEdit('12345', '12354')).toBe(true);
    expect(withinOneEdit('12345', '1245')).toBe(true);
    expect(withinOneEdit('12345', '12395')).toBe(true);
    expect(withinOneEdit('12345', '13254')).toBe(false);
    expect(withinOneEdit('12345', '123')).toBe(false);
  });
});

describe('subset-sum', () => {
  const items = [100_00n, 250_00n, 75_50n, 300_00n].map((c, key) => ({ key, options: [{ cents: c, discounted: false }] }));

  it('finds the unique combination', () => {
    const r = findSubsets(items, 425_50n);
    expect(r.complete).toBe(true);
    expect(r.solutions).toHaveLength(1);
    expect(r.solutions[0]?.map((p) => p.key).sort()).toEqual([0, 1, 2]);
  });

  it('reports ambiguity when two combinations fit', () => {
    const twin = [100_00n, 250_00n, 150_00n, 300_00n].map((c, key) => ({ key, options: [{ cents: c, discounted: false }] }));
    const r = findSubsets(twin, 400_00n);
    expect(r.solutions.length).toBe(2);
    expect(findSubsets(items, 350_00n).solutions).toHaveLength(1);
  });

  it('nets credit notes and uses discounted amounts', () => {
    const withCredit = [...items, { key: 9, options: [{ cents: -50_00n, discounted: false }] }];
    expect(findSubsets(withCredit, 250_00n).solutions.some((s) => s.some((p) => p.key === 9))).toBe(true);
    const disc = [{ key: 0, options: [{ cents: 1000_00n, discounted: false }, { cents: 980_00n, discounted: true }] }];
    expect(findSubsets(disc, 980_00n).solutions[0]?.[0]).toMatchObject({ discounted: true });
  });

  it('stops at its node budget and says so', () => {
    // Even amounts and an odd target: no bound prunes, no solution exists.
    const many = Array.from({ length: 40 }, (_, key) => ({ key, options: [{ cents: BigInt(1000 + key * 14), discounted: false }] }));
    const r = findSubsets(many, 30_001n, { maxNodes: 50 });
    expect(r.complete).toBe(false);
    expect(r.solutions).toEqual([]);
  });
});

describe('terms', () => {
  it('recognises 2/10 NET30 only inside the window', () => {
    const terms = { invoiceDate: '2026-03-01', discountPct: 2, discountDays: 10 };
    expect(discountedCents(1234_56n, 2)).toBe(1209_87n);
    expect(discountedAmount(terms, 1000_00n, '2026-03-11')).toBe(980_00n);
    expect(discountedAmount(terms, 1000_00n, '2026-03-12')).toBeNull();
    expect(discountedAmount({ ...terms, discountPct: null }, 1000_00n, '2026-03-02')).toBeNull();
  });

  it('guesses a deduction cause from the text, the tax or a late discount', () => {
    const base = { shortfallCents: 50_00n, invoiceCents: 1000_00n, taxCents: 80_00n, lateDiscountCents: 20_00n };
    expect(guessDeductionCause({ ...base, text: '3 units damaged in transit' }).cause).toBe('damaged_goods');
    expect(guessDeductionCause({ ...base, text: 'INV-1 short shipped' }).cause).toBe('short_shipment');
    expect(guessDeductionCause({ ...base, text: 'INV-1', shortfallCents: 80_00n }).cause).toBe('tax');
    expect(guessDeductionCause({ ...base, text: 'INV-1', shortfallCents: 20_00n }).cause).toBe('pricing');
    expect(guessDeductionCause({ ...base, text: 'INV-1' }).cause).toBe('unspecified');
  });
});

describe('amounts written in remittance advices', () => {
  it('reads US, European and plain notations and nothing else', () => {
    expect(parseWrittenAmount('1,234.56')).toBe(1234_56n);
    expect(parseWrittenAmount('1.234,56')).toBe(1234_56n);
    expect(parseWrittenAmount('EUR1234,56')).toBe(1234_56n);
    expect(parseWrittenAmount('$99.00')).toBe(99_00n);
    expect(parseWrittenAmount('1234.5')).toBeNull();
    expect(parseWrittenAmount('1,234,56')).toBeNull();
    expect(parseWrittenAmount('1015532')).toBeNull();
  });

  it('pairs each reference with the amount written after it', () => {
    const m = statedAmounts('INV-1012886 11460.90; INV-1014387 USD 5,705.23; #1015048: 5925.27, 1015532 paid');
    expect([...m.entries()]).toEqual([
      ['INV-1012886', 1146090n],
      ['INV-1014387', 570523n],
      ['1015048', 592527n],
    ]);
  });
});

describe('smallest subsets', () => {
  it('prefers the one pair over larger combinations, over the whole list', () => {
    const many = Array.from({ length: 300 }, (_, key) => ({ key, options: [{ cents: BigInt(10_000 + key * 101), discounted: false }] }));
    const target = (many[7]?.options[0]?.cents ?? 0n) + (many[250]?.options[0]?.cents ?? 0n);
    const r = findSmallestSubsets(many, target, { searchItems: 20 });
    expect(r.solutions.length).toBeGreaterThan(0);
    expect(r.solutions[0]?.every((p) => p.cents > 0n)).toBe(true);
    const single = findSmallestSubsets(many, many[123]?.options[0]?.cents ?? 0n);
    expect(single).toEqual({ solutions: [[{ key: 123, cents: many[123]?.options[0]?.cents, discounted: false }]], complete: true });
  });

  it('reports two pairs as two solutions', () => {
    const items = [100n, 200n, 150n, 150n].map((c, key) => ({ key, options: [{ cents: c, discounted: false }] }));
    expect(findSmallestSubsets(items, 300n).solutions).toHaveLength(2);
  });
});

describe('legal forms as tie-breakers', () => {
  it('prefers the firm whose legal form matches when two share a name', () => {
    const idx = new NameIndex([
      { customerId: 'US', name: 'Brightwater Wholesale Inc.' },
      { customerId: 'DE', name: 'Brightwater Wholesale GmbH' },
    ]);
    const hits = idx.search('BRIGHTWATER WHOLESALE GMBH');
    expect(hits[0]).toMatchObject({ customerId: 'DE', similarity: 1 });
    expect(hits[1]?.similarity).toBeLessThan(1);
  });
});

describe('smallest subsets: triples', () => {
  it('finds the one triple among a hundred items without the bounded search', () => {
    const many = Array.from({ length: 100 }, (_, key) => ({ key, options: [{ cents: BigInt(100_000 + key * key * 37 + key * 11), discounted: false }] }));
    const pick = [5, 42, 97];
    const target = pick.reduce((s, k) => s + (many[k]?.options[0]?.cents ?? 0n), 0n);
    const r = findSmallestSubsets(many, target, { maxNodes: 1 });
    expect(r.complete).toBe(true);
    expect(r.solutions).toHaveLength(1);
    expect(r.solutions[0]?.map((p) => p.key)).toEqual(pick);
  });
});
