import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArIntelError, FileError } from '../../core/errors.ts';
import { applyProfile } from '../../ingest/profiles/apply.ts';
import { convertFile, readSource } from '../../ingest/profiles/index.ts';
import { readCsv } from '../../ingest/profiles/read-csv.ts';
import { builtinProfiles, detectProfile, loadProfile, parseProfileText } from '../../ingest/profiles/registry.ts';
import { parseProfile, type MappingProfile } from '../../ingest/profiles/schema.ts';
import { parseBooleanCell, parseDateCell, parseNumberCell, parseTimestampCell } from '../../ingest/profiles/values.ts';

const US = { decimal: '.', thousands: [','] } as const;
const DE = { decimal: ',', thousands: ['.'] } as const;
const value = (p: { ok: boolean; value?: string; reason?: string }) => (p.ok ? p.value : `ERR ${p.reason}`);

describe('cell values', () => {
  it('reads dates in the export pattern and refuses impossible ones', () => {
    expect(value(parseDateCell('5/1/2026', ['d/M/yyyy']))).toBe('2026-01-05');
    expect(value(parseDateCell('01/05/2026', ['MM/dd/yyyy']))).toBe('2026-01-05');
    expect(value(parseDateCell('20260105', ['yyyyMMdd']))).toBe('2026-01-05');
    expect(value(parseDateCell('05.01.2026', ['dd.MM.yyyy']))).toBe('2026-01-05');
    expect(value(parseDateCell('5-Jan-26', ['d-MMM-yy']))).toBe('2026-01-05');
    expect(value(parseDateCell('2024-03-14T09:26:53.000Z', ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"]))).toBe('2024-03-14');
    expect(value(parseDateCell('31/2/2026', ['d/M/yyyy']))).toMatch(/ERR "31\/2\/2026" is not a date in the format "d\/M\/yyyy"/);
    expect(value(parseDateCell('2026-01-05', ['dd.MM.yyyy', 'yyyy-MM-dd']))).toBe('2026-01-05');
    expect(value(parseDateCell(new Date(Date.UTC(2026, 0, 5)), ['dd.MM.yyyy']))).toBe('2026-01-05');
    expect(value(parseDateCell(46027, ['dd.MM.yyyy']))).toMatch(/^ERR expected a date/);
  });

  it('reads 7-digit fractional seconds (SQL Server datetime2)', () => {
    expect(value(parseTimestampCell('2019-01-01 11:30:00.0000000', ['yyyy-MM-dd HH:mm:ss.SSSSSSS']))).toBe('2019-01-01T11:30:00');
  });

  it('reads amounts in the export number style', () => {
    expect(value(parseNumberCell('1,234.56', US))).toBe('1234.56');
    expect(value(parseNumberCell('(1,234.56)', US))).toBe('-1234.56');
    expect(value(parseNumberCell('$1,250.00', US))).toBe('1250.00');
    expect(value(parseNumberCell('.00', US))).toBe('0.00');
    expect(value(parseNumberCell('-5536.10', US))).toBe('-5536.10');
    expect(value(parseNumberCell('11.900,00-', DE))).toBe('-11900.00');
    expect(value(parseNumberCell('1 234,5', { decimal: ',', thousands: [' '] }))).toBe('1234.50');
    expect(value(parseNumberCell(1234.565, US))).toBe('1234.57');
    expect(value(parseNumberCell('1,5', US))).toMatch(/^ERR "1,5" is not a number/);
    expect(value(parseNumberCell('1.234,56', US))).toMatch(/^ERR/);
    expect(value(parseNumberCell('12.345', US))).toMatch(/more than 2 decimals/);
  });

  it('reads boolean words', () => {
    expect(value(parseBooleanCell('True'))).toBe('true');
    expect(value(parseBooleanCell('False'))).toBe('false');
    expect(value(parseBooleanCell('Yes'))).toBe('true');
    expect(value(parseBooleanCell('No'))).toBe('false');
    expect(value(parseBooleanCell('maybe'))).toMatch(/not a yes\/no value/);
  });
});

const minimal = (outputs: unknown, extra: Record<string, unknown> = {}) => ({ name: 'my-erp', system: 'Mine', description: 'test', outputs, ...extra });
const invoiceFields = {
  invoice_id: 'Doc',
  customer_id: 'Cust',
  invoice_date: 'Date',
  due_date: 'Due',
  amount: 'Amount',
  currency: { const: 'EUR' },
};

function problems(doc: unknown): string {
  try {
    parseProfile(doc, 'mapping.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ArIntelError);
    return (err as ArIntelError).describe();
  }
  throw new Error('profile was accepted');
}

describe('mapping profile validation', () => {
  it('accepts every built-in profile', () => {
    const names = builtinProfiles().map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'netsuite-transactions',
        'sap-fbl5n',
        'quickbooks-ar-aging-detail',
        'xero-invoices',
        'xero-contacts',
        'salesforce-accounts',
        'salesforce-opportunities',
        'salesforce-orders',
        'wwi-customer-transactions',
      ]),
    );
  });

  it('names the JSON path of each mistake', () => {
    const shape = problems(
      minimal([
        { kind: 'invoices', fields: { ...invoiceFields, amount: { colum: 'Amount' } } },
        { kind: 'receipts', fields: {} },
      ]),
    );
    expect(shape).toContain('mapping.json');
    expect(shape).toContain('outputs[0].fields.amount: Unrecognized key: "colum"');
    expect(shape).toMatch(/outputs\[1\]\.kind: kind must be one of: collectors, /);
    const meaning = problems(
      minimal(
        [
          { kind: 'invoices', fields: { ...invoiceFields, amont: 'Amount' } },
          { kind: 'payments', fields: { payment_id: 'Id' } },
        ],
        { dateFormat: 'dd.QQ.yyyy' },
      ),
    );
    expect(meaning).toContain('outputs[0].fields.amont: "amont" is not a field of invoices');
    expect(meaning).toContain('outputs[1].fields: payments needs the fields received_date, amount, currency, payer_name, reference');
    expect(meaning).toMatch(/dateFormat: date format "dd.QQ.yyyy": unknown pattern letter "Q"/);
  });

  it('rejects fields with no or two sources and sign rules on text', () => {
    const msg = problems(
      minimal([{ kind: 'invoices', fields: { ...invoiceFields, invoice_id: { column: 'Doc', const: 'x' }, customer_id: { sign: 'abs', column: 'C' } } }]),
    );
    expect(msg).toContain('outputs[0].fields.invoice_id: a field takes one source, got column and const');
    expect(msg).toContain('outputs[0].fields.customer_id: sign rules apply to amounts; customer_id is text');
  });

  it('reports broken JSON and unknown profile names clearly', () => {
    expect(() => parseProfileText('{"name": ', 'm.json')).toThrow(/not valid JSON/);
    expect(() => loadProfile('netsuite')).toThrow(/unknown profile "netsuite" \(built-in: .*netsuite-transactions/);
  });
});

function table(text: string, name = 'export.csv') {
  return readCsv(new TextEncoder().encode(text), name);
}

describe('CSV reading', () => {
  it('detects comma, semicolon and tab and keeps quoted delimiters and line breaks', () => {
    expect(table('a,b,c\n1,"x,y",3\n').rows[1]?.cells).toEqual(['1', 'x,y', '3']);
    expect(table('a;b;c\n1;2,5;3\n').rows[1]?.cells).toEqual(['1', '2,5', '3']);
    expect(table('a\tb\tc\n1\t2\t3\n').rows[1]?.cells).toEqual(['1', '2', '3']);
    const t = table('a,b\r\n1,"two\r\nlines"\r\n3,4\r\n');
    expect(t.rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(t.rows[1]?.cells[1]).toBe('two\r\nlines');
  });

  it('strips a UTF-8 BOM and falls back to latin-1 with a note', () => {
    const bom = readCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Name\nÄ\n')]), 'x.csv');
    expect(bom.rows[0]?.cells).toEqual(['Name']);
    expect(bom.notes).toEqual([]);
    const latin = readCsv(new Uint8Array([0x4e, 0x0a, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]), 'x.csv');
    expect(latin.rows[1]?.cells).toEqual(['Müller']);
    expect(latin.notes[0]).toMatch(/not valid UTF-8: read as Windows-1252\/latin-1/);
  });

  it('reads UTF-16 text with BOM (Excel "Unicode text", tab-separated)', () => {
    const body = Buffer.from('Kunde\tBetrag\r\nMüller\t1,5\r\n', 'utf16le');
    const t = readCsv(new Uint8Array([0xff, 0xfe, ...body]), 'x.txt');
    expect(t.rows.map((r) => r.cells)).toEqual([
      ['Kunde', 'Betrag'],
      ['Müller', '1,5'],
    ]);
  });

  it('names the line of an unterminated quote', () => {
    expect(() => table('a,b\n1,2\n3,"open\n4,5\n')).toThrow(/quoted field opened on line 3 is never closed/);
  });
});

const ledgerProfile: MappingProfile = parseProfile(
  minimal(
    [
      {
        kind: 'invoices',
        when: { column: 'BA', in: ['RE'] },
        fields: {
          invoice_id: 'Beleg',
          customer_id: 'Konto',
          invoice_date: 'Datum',
          due_date: { addDays: { date: 'Datum', days: { column: 'Ziel' } } },
          amount: { column: 'Betrag', negativeWhen: { column: 'S/H', in: ['H'] } },
          currency: { column: 'Whrg', default: 'EUR' },
          disputed: { column: 'Strittig', map: { Ja: 'true', Nein: 'false' } },
          po_number: { concat: [{ const: 'PO' }, 'Bestellung'], separator: '-' },
        },
      },
      {
        kind: 'payments',
        when: { column: 'BA', in: ['ZE'] },
        fields: {
          payment_id: 'Beleg',
          customer_id: 'Konto',
          payer_name: { const: '' },
          reference: { column: 'Bestellung', optional: true },
          received_date: 'Datum',
          amount: { column: 'Betrag', negativeWhen: { column: 'S/H', in: ['S'] } },
          currency: { column: 'Whrg', default: 'EUR' },
        },
      },
      {
        kind: 'credit_notes',
        when: { column: 'BA', in: ['GS'] },
        fields: {
          credit_note_id: 'Beleg',
          customer_id: 'Konto',
          date: 'Datum',
          amount: { debit: 'Soll', credit: 'Haben', sign: 'negate' },
          currency: { const: 'EUR' },
        },
      },
    ],
    { dateFormat: 'yyyyMMdd', numbers: { decimal: ',', thousands: '.' } },
  ),
  'ledger.json',
);

describe('applying a mapping profile', () => {
  const csv = [
    'Beleg;BA;Konto;Datum;Ziel;Betrag;S/H;Soll;Haben;Whrg;Strittig;Bestellung',
    '4711;RE;K100;20260105;30;1.190,00;S;;;;Nein;B-77',
    '4712;RE;K100;20260107;14;50,00;H;;;CHF;Ja;',
    '9001;ZE;K100;20260201;;1.190,00;H;;;;;',
    '7001;GS;K200;20260110;;;;;119,00;;;',
    '4713;RE;K200;2026-01-12;30;10,00;S;;;;;',
    '0001;XX;K200;20260112;;1,00;S;;;;;',
    '4714;RE;K200;20260113;30;zehn;S;;;;Vielleicht;',
  ].join('\n');
  const conv = applyProfile(table(csv, 'ledger.csv'), ledgerProfile);

  it('routes rows of one ledger to several kinds with their sign conventions', () => {
    expect(conv.records.get('invoices')?.map((r) => r.values)).toEqual([
      { invoice_id: '4711', customer_id: 'K100', invoice_date: '2026-01-05', due_date: '2026-02-04', amount: '1190.00', currency: 'EUR', disputed: 'false', po_number: 'PO-B-77' },
      { invoice_id: '4712', customer_id: 'K100', invoice_date: '2026-01-07', due_date: '2026-01-21', amount: '-50.00', currency: 'CHF', disputed: 'true', po_number: '' },
    ]);
    expect(conv.records.get('payments')?.[0]?.values).toMatchObject({ payment_id: '9001', amount: '1190.00', received_date: '2026-02-01', reference: '' });
    expect(conv.records.get('credit_notes')?.[0]?.values).toMatchObject({ credit_note_id: '7001', amount: '119.00' });
    expect(conv.records.get('invoices')?.[0]?.line).toBe(2);
  });

  it('rejects bad cells and unrouted rows with the source line and column', () => {
    expect(conv.rowsRead).toBe(7);
    const byLine = conv.rejected.map((r) => [r.line, r.column, r.value]);
    expect(byLine).toEqual(
      expect.arrayContaining([
        [6, 'Datum', '2026-01-12'],
        [7, 'BA', null],
        [8, 'Betrag', 'zehn'],
      ]),
    );
    expect(conv.rejected.find((r) => r.line === 7)?.reason).toMatch(/none of the profile's outputs \(BA="XX"\)/);
    expect(conv.rejected.find((r) => r.line === 6)?.reason).toMatch(/invoices.invoice_date: "2026-01-12" is not a date in the format "yyyyMMdd"/);
    expect(conv.rejected.some((r) => r.line === 8 && r.column === 'Strittig')).toBe(true);
  });

  it('fails the file with the columns it lacks when no header row fits', () => {
    expect(() => applyProfile(table('Beleg;BA;Konto\n1;RE;K\n'), ledgerProfile)).toThrow(FileError);
    expect(() => applyProfile(table('Beleg;BA;Konto\n1;RE;K\n'), ledgerProfile)).toThrow(/lacks "Datum", "Ziel", "Betrag", "S\/H"/);
  });
});

async function workbook(build: (ws: ExcelJS.Worksheet) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('Line items'));
  const dir = mkdtempSync(join(tmpdir(), 'ar-intel-xlsx-'));
  const path = join(dir, 'export.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

describe('routing by amount sign and pattern', () => {
  it('splits an untyped ledger into invoices and payments by sign, skipping rows by pattern', () => {
    const profile = parseProfile(
      minimal(
        [
          { kind: 'invoices', when: { column: 'Amount', sign: 'positive' }, fields: { ...invoiceFields, due_date: 'Date' } },
          {
            kind: 'payments',
            when: { column: 'Amount', sign: 'negative' },
            fields: { payment_id: 'Doc', received_date: 'Date', amount: { column: 'Amount', sign: 'abs' }, currency: { const: 'USD' }, payer_name: 'Cust', reference: { const: '' } },
          },
        ],
        { skip: { column: 'Doc', matches: '^TOTAL' }, dateFormat: 'MM/dd/yyyy' },
      ),
      'sign.json',
    );
    const conv = applyProfile(table('Doc,Cust,Date,Amount\nA1,C1,01/02/2026,100.00\nP1,C1,01/03/2026,-40.00\nTOTAL all,,,60.00\nZ0,C1,01/04/2026,0.00\n'), profile);
    expect(conv.records.get('invoices')?.map((r) => r.values.invoice_id)).toEqual(['A1']);
    expect(conv.records.get('payments')?.map((r) => [r.values.payment_id, r.values.amount])).toEqual([['P1', '40.00']]);
    expect(conv.rowsSkipped).toBe(1);
    expect(conv.rejected.map((r) => [r.line, r.reason])).toEqual([[5, `row belongs to none of the profile's outputs (Amount="0.00")`]]);
  });
});

describe('XLSX exports', () => {
  it('finds the header under a title, reads Excel dates and numbers', async () => {
    const path = await workbook((ws) => {
      ws.addRow(['Customer line items, company code 1000']);
      ws.addRow([]);
      ws.addRow(['Company Code', 'Customer', 'Document Number', 'Document Type', 'Document Date', 'Posting Date', 'Net due date', 'Amount in doc. curr.', 'Document currency', 'Clearing Document', 'Clearing date', 'Reason code', 'Text']);
      ws.addRow(['1000', 100234, 90001234, 'RV', new Date(Date.UTC(2026, 0, 15)), new Date(Date.UTC(2026, 0, 15)), new Date(Date.UTC(2026, 1, 14)), 11900, 'EUR', null, null, null, 'Rechnung']);
      ws.addRow(['1000', 100234, 1700000045, 'DG', new Date(Date.UTC(2026, 1, 5)), new Date(Date.UTC(2026, 1, 5)), new Date(Date.UTC(2026, 1, 5)), -238.5, 'EUR', null, null, '003', 'Gutschrift']);
    });
    const conv = await convertFile(path, 'sap-fbl5n');
    expect(conv.headerLine).toBe(3);
    expect(conv.records.get('invoices')?.[0]?.values).toMatchObject({ invoice_id: '90001234', customer_id: '100234', invoice_date: '2026-01-15', due_date: '2026-02-14', amount: '11900.00' });
    expect(conv.records.get('credit_notes')?.[0]).toMatchObject({ line: 5, values: { amount: '238.50', reason: '003' } });
    // Detection works on workbooks too.
    expect((await convertFile(path)).profile).toBe('sap-fbl5n');
  });

  it('reads a QuickBooks report workbook: merged title block, grouping column, real dates and numbers', async () => {
    const path = await workbook((ws) => {
      ws.addRow(["Craig's Design and Landscaping Services"]);
      ws.addRow(['A/R Aging Detail']);
      ws.addRow(['As of February 28, 2026']);
      ws.mergeCells('A1:H1');
      ws.mergeCells('A2:H2');
      ws.mergeCells('A3:H3');
      ws.addRow([]);
      ws.addRow([null, 'Date', 'Transaction Type', 'Num', 'Customer', 'Due Date', 'Amount', 'Open Balance']);
      ws.addRow(['Current']);
      ws.addRow([null, new Date(Date.UTC(2026, 1, 10)), 'Invoice', 1037, 'Sonnenschein Family Store', new Date(Date.UTC(2026, 2, 12)), 362.07, 362.07]);
      ws.addRow(['Total for Current', null, null, null, null, null, null, 362.07]);
    });
    const conv = await convertFile(path);
    expect(conv.profile).toBe('quickbooks-ar-aging-detail');
    expect(conv.headerLine).toBe(5);
    expect(conv.rowsSkipped).toBe(2);
    expect(conv.records.get('invoices')?.map((r) => [r.line, r.values])).toEqual([
      [7, { invoice_id: '1037', customer_id: 'Sonnenschein Family Store', invoice_date: '2026-02-10', due_date: '2026-03-12', amount: '362.07', currency: 'USD' }],
    ]);
  });

  it('refuses a merged header row naming the sheet and row', async () => {
    const vertical = await workbook((ws) => {
      ws.addRow(['Date', 'Transaction Type', 'Num', 'Customer', 'Due Date', 'Amount', 'Open Balance']);
      ws.addRow([null, 'Invoice', '1021', "Amy's Bird Sanctuary", '02/14/2026', 1250, 459]);
      ws.mergeCells('A1:A2');
    });
    await expect(convertFile(vertical, 'quickbooks-ar-aging-detail')).rejects.toThrow(/sheet "Line items" row 1: the header row has merged cells \(A1:A2\)/);
    const across = await workbook((ws) => {
      ws.addRow(['Date', 'Transaction Type', 'Num', 'Customer', 'Due Date', 'Amount', 'Open Balance']);
      ws.addRow(['01/15/2026', 'Invoice', '1021', "Amy's Bird Sanctuary", '02/14/2026', 1250, 459]);
      ws.mergeCells('F1:G1');
    });
    await expect(convertFile(across, 'quickbooks-ar-aging-detail')).rejects.toThrow(/lacks "Open Balance"; sheet "Line items" row 1 has merged cells \(F1:G1\)/);
  });
});

describe('profile detection', () => {
  it('picks the one profile whose headers a file has', async () => {
    const fixtures = new URL('../fixtures/erp/', import.meta.url).pathname;
    const expected: Record<string, string> = {
      'netsuite/transactions.csv': 'netsuite-transactions',
      'sap/fbl5n-line-items.csv': 'sap-fbl5n',
      'quickbooks/ar-aging-detail.csv': 'quickbooks-ar-aging-detail',
      'xero/invoices.csv': 'xero-invoices',
      'xero/contacts.csv': 'xero-contacts',
      'salesforce/accounts.csv': 'salesforce-accounts',
      'salesforce/opportunities.csv': 'salesforce-opportunities',
      'salesforce/orders.csv': 'salesforce-orders',
      'wideworldimporters/customer-transactions-2019.csv': 'wwi-customer-transactions',
    };
    for (const [file, profile] of Object.entries(expected)) {
      const { readFileSync } = await import('node:fs');
      const t = await readSource(file, readFileSync(join(fixtures, file)));
      expect(detectProfile(t).name, file).toBe(profile);
    }
  });

  it('recognises SAP line items exported with the short ALV headings', () => {
    const t = table(
      'Account;Assign.;DocumentNo;Type;Doc. Date;Pstng Date;Net due dt;Amount in DC;Curr.;Clrng doc.;Clearing;Text\n' +
        '100234;4500012345;90001234;RV;15.01.2026;15.01.2026;14.02.2026;1.190,00;EUR;1400000567;10.02.2026;x\n',
    );
    const profile = detectProfile(t);
    expect(profile.name).toBe('sap-fbl5n');
    expect(applyProfile(t, profile).records.get('invoices')?.[0]?.values).toMatchObject({
      invoice_id: '90001234',
      customer_id: '100234',
      due_date: '2026-02-14',
      amount: '1190.00',
      paid_date: '2026-02-10',
      paid_amount: '1190.00',
      po_number: '4500012345',
    });
  });

  it('lists the candidates when none or several fit', () => {
    expect(() => detectProfile(table('invoice_id,customer_id\n1,2\n'))).toThrow(/no built-in profile matches this file's headers; pass --profile with one of netsuite-transactions/);
    const twin = { ...ledgerProfile, name: 'ledger-twin' };
    const csv = 'Beleg;BA;Konto;Datum;Ziel;Betrag;S/H;Soll;Haben;Whrg;Strittig;Bestellung\n1;RE;K;20260101;1;1;S;;;;;\n';
    expect(() => detectProfile(table(csv), [ledgerProfile, twin])).toThrow(/several profiles match this file's headers \(my-erp, ledger-twin\); choose one with --profile/);
  });

  it('loads a mapping file from a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-intel-map-'));
    const path = join(dir, 'mine.json');
    writeFileSync(path, JSON.stringify(minimal([{ kind: 'invoices', fields: invoiceFields }])));
    expect(loadProfile(path).name).toBe('my-erp');
    writeFileSync(path, JSON.stringify(minimal([{ kind: 'invoices', fields: { ...invoiceFields, due_date: 42 } }])));
    let err: unknown;
    try {
      loadProfile(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArIntelError);
    expect((err as ArIntelError).describe()).toMatch(/^mine.json: invalid mapping profile:\n {2}outputs\[0\]\.fields\.due_date: expected a column name/);
  });
});
