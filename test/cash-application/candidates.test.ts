/**
 * Set-based candidate generation (candidates.ts) must change no outcome: the SQL twin of
 * ReferenceIndex finds every document the index finds (and, for ASCII references, nothing more), and a
 * pass over only the customers in play decides every payment exactly as a pass over the whole ledger.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCandidates, referenceKeys } from '../../scoring/cash-application/candidates.ts';
import { MatchContext, decide, itemKey, proposalKey, referencesOf, type OpenItem, type Proposal } from '../../scoring/cash-application/matcher.ts';
import { CREATE_REF_KEYS_SQL, LEARNED_ACCOUNTS_SQL, OPEN_ITEMS_SQL, REF_HITS_SQL } from '../../scoring/cash-application/queries.ts';
import { ReferenceIndex, referenceTokens } from '../../scoring/cash-application/references.ts';
import { buildContext, loadPendingPayments } from '../../scoring/cash-application/run.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t.cleanup());

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

// References as payers and ERPs write them: prefixes, separators, OCR look-alikes, years, non-ASCII.
const refPart = fc.constantFrom('INV-', 'inv', 'PO ', '', '2024-', 'I', 'Q#', 'RE/', 'ÄB-', 'No.', 'SO', 'b');
const digitish = fc.stringMatching(/^[0-9OQILSBZ]{1,9}$/);
const refArb = fc.tuple(refPart, digitish, fc.constantFrom('', '-01', '/A', ' 7', '.5')).map(([a, b, c]) => `${a}${b}${c}`);

describe('reference candidates in SQL', () => {
  it('find every document ReferenceIndex finds, and for ASCII references no other', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ id: refArb, po: fc.option(refArb), credit: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.oneof(refArb, fc.constantFrom('paid INV 1001 to 1004', 'ref 00123 thx', 'I0023 + 2024-00123')), { minLength: 1, maxLength: 10 }),
        async (docs, texts) => {
          const items: OpenItem[] = docs.map((d, i) => ({
            kind: d.credit ? 'credit_note' : 'invoice',
            id: docs.findIndex((x) => x.id === d.id) === i ? d.id : `${d.id}-${i}`,
            customerId: `C${i % 3}`,
            currency: 'USD',
            documentDate: '2026-01-01',
            dueDate: '2026-01-31',
            amountCents: 100n,
            openCents: 100n,
            poNumber: d.po,
            taxCents: null,
            discountPct: null,
            discountDays: null,
          }));
          const index = new ReferenceIndex<OpenItem>();
          for (const it of items) index.add(it, referencesOf(it));
          const expected = new Set<string>();
          for (const text of texts) for (const token of referenceTokens(text)) for (const h of index.lookup(token)) expected.add(itemKey(h.item.kind, h.item.id));
          const keys = referenceKeys(texts.map((text) => ({ reference: text, remittanceText: null })));
          const found = await t.wh.withConnection(async (conn) => {
            await conn.run('drop table if exists temp.main.cash_app_open');
            await conn.run('drop table if exists temp.main.cash_app_ref_keys');
            await conn.run('drop table if exists temp.main.cash_app_ref_hits');
            await conn.run('create temp table cash_app_open (kind varchar, id varchar, customer_id varchar, po_number varchar)');
            await conn.run(`insert into cash_app_open values ${items.map((it) => `(${sqlText(it.kind)}, ${sqlText(it.id)}, ${sqlText(it.customerId)}, ${it.poNumber === null ? 'null' : sqlText(it.poNumber)})`).join(', ')}`);
            await conn.run(CREATE_REF_KEYS_SQL);
            const rows = [...[...keys.fold].map((k) => ['fold', k]), ...[...keys.core].map((k) => ['core', k])];
            if (rows.length > 0) await conn.run(`insert into cash_app_ref_keys values ${rows.map(([a, b]) => `(${sqlText(a ?? '')}, ${sqlText(b ?? '')})`).join(', ')}`);
            await conn.run(REF_HITS_SQL);
            const r = await conn.runAndReadAll('select kind, id from cash_app_ref_hits');
            return new Set(r.getRows().map(([kind, id]) => itemKey(kind === 'credit_note' ? 'credit_note' : 'invoice', String(id))));
          });
          for (const k of expected) expect(found).toContain(k);
          const nonAscii = (it: OpenItem) => referencesOf(it).some((r) => r !== null && [...r].some((ch) => ch.charCodeAt(0) > 0x7f));
          for (const it of items) if (!nonAscii(it) && found.has(itemKey(it.kind, it.id))) expect(expected).toContain(itemKey(it.kind, it.id));
        },
      ),
      { numRuns: 60, seed: 4 },
    );
  });
});

/** A small ledger where most customers have nothing to do with the pending payments. */
async function seedLedger(): Promise<void> {
  const wh = t.wh;
  const names = ['Northwind Traders Ltd', 'Contoso Pharmaceuticals Inc.', 'Fabrikam Group', 'Fabrikam East LLC', 'Adventure Works GmbH', 'Litware S.A.', 'Tailspin Toys PLC', 'Wingtip Supply B.V.', 'Proseware Corp.', 'Alpine Ski House Inc.', 'Blue Yonder Airlines', 'Coho Winery Ltd', 'Lucerne Publishing', 'Margie Travel LLC'];
  await wh.run(
    `insert into customers (customer_id, name, currency, parent_id) values ${names.map((n, i) => `('K${i}', ${sqlText(n)}, 'USD', ${i === 3 ? "'K2'" : 'null'})`).join(', ')}`,
  );
  const invoices: string[] = [];
  for (let c = 0; c < names.length; c++) {
    for (let k = 0; k < 6; k++) {
      const n = 1000 + c * 10 + k;
      const cents = 10_000 + ((c * 7 + k * 13) % 40) * 2_500;
      const po = k === 2 ? `'PO-${77000 + c}'` : 'null';
      invoices.push(`('INV-00${n}', 'K${c}', date '2026-03-01' + ${k * 5}, date '2026-03-31' + ${k * 5}, ${cents / 100}, 'USD', ${po})`);
    }
  }
  await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency, po_number) values ${invoices.join(', ')}`);
  await wh.run(`insert into credit_notes (credit_note_id, customer_id, invoice_id, credit_date, amount, currency, reason) values ('CN-5001', 'K0', null, '2026-03-10', 25.00, 'USD', 'pricing')`);
  // Payments touch K0–K4 and K9 only: references exact, garbled, by PO, by a payer nobody knows, a subsidiary's
  // invoice plus its parent's, names only, an account.
  await wh.run(`insert into payments (payment_id, customer_id, payer_name, received_date, amount, currency, reference, remittance_text, bank_account, bank_reference) values
    ('Q1', null, 'NORTHWIND TRADERS', '2026-04-02', 100.00, 'USD', 'INV-001000', null, 'GB00 1111', 'B1'),
    ('Q2', null, 'CONTOSO PHARMA', '2026-04-03', 125.00, 'USD', 'PAYMENT', 'inv OO1O11', null, 'B2'),
    ('Q3', null, null, '2026-04-04', 0, 'USD', 'PO-77003', null, null, 'B3'),
    ('Q4', null, 'ADVENTURE WORKS', '2026-04-05', 0, 'USD', 'PAYMENT', null, 'DE55 4444', 'B4'),
    ('Q5', 'K1', null, '2026-04-06', 0, 'USD', 'invoices 1013 and 1014', null, null, 'B5'),
    ('Q6', null, 'NORTHWND TRADERS LTD', '2026-04-07', 0, 'USD', '1001 1002', null, 'GB00 1111', 'B6'),
    ('Q7', null, 'UNKNOWN PAYER', '2026-04-08', 0, 'USD', 'INV-001091', null, null, 'B7'),
    ('Q8', null, null, '2026-04-09', 0, 'USD', 'INV-001044 INV-001045', null, 'DE55 4444', 'B8'),
    ('Q9', null, null, '2026-04-10', 0, 'USD', 'INV-001034', null, null, 'B9')`);
  // Amounts from the ledger itself, so references and amounts agree (or, for Q7, deliberately not).
  await wh.run(`update payments set amount = (select amount from invoices where invoice_id = 'INV-001032') where payment_id = 'Q3'`);
  await wh.run(`update payments set amount = (select amount from invoices where invoice_id = 'INV-001043') where payment_id = 'Q4'`);
  await wh.run(`update payments set amount = (select sum(amount) from invoices where invoice_id in ('INV-001013', 'INV-001014')) where payment_id = 'Q5'`);
  await wh.run(`update payments set amount = (select sum(amount) from invoices where invoice_id in ('INV-001001', 'INV-001002')) where payment_id = 'Q6'`);
  await wh.run(`update payments set amount = (select amount from invoices where invoice_id = 'INV-001091') where payment_id = 'Q7'`);
  // Q9 names a subsidiary's invoice and pays one of its parent's too: the rest comes from the family's items.
  await wh.run(`update payments set amount = (select sum(amount) from invoices where invoice_id in ('INV-001034', 'INV-001025')) where payment_id = 'Q9'`);
  await wh.run(`update payments set amount = (select sum(amount) from invoices where invoice_id in ('INV-001044', 'INV-001045')) where payment_id = 'Q8'`);
  // History teaches that account DE55 4444 is K4's.
  await wh.run(`insert into payments (payment_id, customer_id, payer_name, received_date, amount, currency, reference, bank_account) values ('H1', null, 'ADVENTURE WORKS', '2026-02-01', 50.00, 'USD', 'old', 'DE55 4444')`);
  await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values ('INV-000900', 'K4', '2026-01-01', '2026-01-31', 50.00, 'USD')`);
  await wh.run(`insert into payment_applications (application_id, payment_id, invoice_id, amount, applied_date, method) values ('AH1', 'H1', 'INV-000900', 50.00, '2026-02-01', 'imported')`);
}

const summary = (c: Proposal) => ({ customerId: c.customerId, rule: c.rule, confidence: c.confidence, key: proposalKey(c), onAccount: c.onAccountCents, allocations: c.allocations.map((a) => `${a.id}:${a.cents}`).sort() });

describe('customers in play', () => {
  it('reads only their open items, and every payment is decided as over the whole ledger', async () => {
    await seedLedger();
    const asOf = '2026-04-30';
    const payments = await loadPendingPayments(t.wh, asOf);
    expect(payments.map((p) => p.paymentId).sort()).toEqual(['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8', 'Q9']);
    const { ctx, candidates } = await buildContext(t.wh, asOf, payments);
    const all = await t.wh.all<Record<string, string | number | null>>(OPEN_ITEMS_SQL, [asOf]);
    // The other customers have nothing to do with these payments: their invoices stay in DuckDB.
    expect(candidates.items.length).toBeLessThan(all.length - 40);
    expect(new Set(candidates.items.map((it) => it.customerId))).toEqual(new Set(['K0', 'K1', 'K2', 'K3', 'K4', 'K9']));
    // K2's family: K3 is its subsidiary
    expect(candidates.customers).toBe(6);
    // with nothing pending nothing is read
    expect(await loadCandidates(t.wh, ctx, asOf, [])).toEqual({ items: [], referenceItems: [], customers: 0 });

    const day = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
    const fullItems: OpenItem[] = all.map((r) => ({
      kind: r.kind === 'credit_note' ? 'credit_note' : 'invoice',
      id: String(r.id),
      customerId: String(r.customer_id),
      currency: String(r.currency),
      documentDate: day(Number(r.document_day)),
      dueDate: day(Number(r.due_day)),
      amountCents: BigInt(String(r.amount_cents)),
      openCents: BigInt(String(r.open_cents)),
      poNumber: r.po_number === null ? null : String(r.po_number),
      taxCents: r.tax_cents === null ? null : BigInt(String(r.tax_cents)),
      discountPct: r.discount_pct === null ? null : Number(r.discount_pct),
      discountDays: r.discount_days === null ? null : Number(r.discount_days),
    }));
    const customers = await t.wh.all<{ customer_id: string; name: string; parent_id: string | null }>('select customer_id, name, parent_id from customers');
    const full = new MatchContext(fullItems, customers.map((c) => ({ customerId: c.customer_id, name: c.name, parentId: c.parent_id })));
    for (const a of await t.wh.all<{ bank_account: string; customer_id: string; n: number }>(LEARNED_ACCOUNTS_SQL, [asOf])) full.learnAccount(a.bank_account, a.customer_id, Number(a.n));
    const fullByKey = new Map(fullItems.map((it) => [itemKey(it.kind, it.id), it]));

    let autos = 0;
    const rules = new Map<string, string>();
    for (const p of payments) {
      const restricted = decide(ctx, p);
      const whole = decide(full, p);
      expect({ id: p.paymentId, decision: restricted.decision, candidates: restricted.candidates.map(summary) }).toEqual({
        id: p.paymentId,
        decision: whole.decision,
        candidates: whole.candidates.map(summary),
      });
      const top = restricted.candidates[0];
      rules.set(p.paymentId, `${restricted.decision}:${top?.rule ?? 'none'}`);
      if (restricted.decision === 'auto' && top) {
        autos++;
        ctx.consume(top.allocations);
        full.consume(top.allocations, fullByKey);
      }
    }
    // The ledger exercises applying, not only refusing.
    expect(autos).toBeGreaterThanOrEqual(6);
    expect(rules.get('Q7')).toBe('auto:reference_exact');
    expect(rules.get('Q9')).toBe('auto:reference_plus_amount');
  });

  it('keys the remittance tokens the matcher searches', () => {
    const keys = referenceKeys([{ reference: 'PAYMENT', remittanceText: 'INV-00123 and OO456 7; 2024-00999' }]);
    expect([...keys.fold].sort()).toEqual(['00456', '1NV00123', '2024', '202400999', '00999'].sort());
    // cores of fewer than 4 digits ("123", "456", "999") never identify a document on their own
    expect([...keys.core].sort()).toEqual(['2024', '202400999']);
  });
});

