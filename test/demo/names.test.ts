import { describe, expect, it } from 'vitest';
import { bankAccountFor, payerNameVariant } from '../../ingest/demo/names.ts';
import { Rng } from '../../ingest/demo/prng.ts';
import { garble, remittanceFor } from '../../ingest/demo/remittance.ts';

function ibanValid(iban: string): boolean {
  const rearranged = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of rearranged) rem = (rem * 10 + Number(ch)) % 97;
  return rem === 1;
}

describe('demo name and reference generators', () => {
  it('produces IBANs that pass the ISO 13616 check', () => {
    const rng = new Rng(1);
    for (const country of ['DE', 'GB', 'FR', 'NL']) {
      for (let i = 0; i < 50; i++) {
        const iban = bankAccountFor(rng, country);
        expect(iban.startsWith(country)).toBe(true);
        expect(ibanValid(iban), iban).toBe(true);
      }
    }
  });

  it('garbles an invoice number by one OCR/typing error', () => {
    const rng = new Rng(2);
    let changed = 0;
    for (let i = 0; i < 200; i++) {
      const out = garble(rng, 'INV-1002345');
      expect(Math.abs(out.length - 11)).toBeLessThanOrEqual(1);
      if (out !== 'INV-1002345') changed++;
    }
    expect(changed).toBeGreaterThan(190);
  });

  it('varies payer names the way bank statements do', () => {
    const rng = new Rng(3);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(payerNameVariant(rng, 'Blue Harbor Logistics Inc.'));
    for (const v of ['Blue Harbor Logistics Inc.', 'BLUE HARBOR LOGISTICS INC', 'Blue Harbor Logistics Incorporated', 'BH Logistics Inc.', 'Blue Harbor Logistics']) {
      expect(seen).toContain(v);
    }
  });

  it('quotes exact invoice numbers for good payers and none for payers without remittance', () => {
    const rng = new Rng(4);
    const good = remittanceFor(rng, 'good', 'wire', ['INV-1000001', 'INV-1000002'], ['10.00', '20.00'], 1000);
    expect(`${good.reference} ${good.remittanceText}`).toContain('INV-1000002');
    const none = remittanceFor(rng, 'none', 'ach', ['INV-1000001'], ['10.00'], 1000);
    expect(`${none.reference} ${none.remittanceText}`).not.toMatch(/1000001/);
    const check = remittanceFor(rng, 'sloppy', 'check', ['INV-1000001'], ['10.00'], 4711);
    expect(check.reference).toBe('CHK 004711');
  });

  it('is deterministic per seed and stream', () => {
    const a = new Rng(42, 1);
    const b = new Rng(42, 1);
    const c = new Rng(42, 2);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });
});
