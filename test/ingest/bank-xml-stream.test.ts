import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCamt } from '../../ingest/bank/camt.ts';
import { checkFile } from '../../ingest/bank/reconcile.ts';
import { XmlStreamReader, XmlSyntaxError } from '../../ingest/bank/xml-stream.ts';
import { fixtureBytes } from './bank-helpers.ts';

function readAll(pieces: string[]): { tree: unknown; seen: string[] } {
  const seen: string[] = [];
  const r = new XmlStreamReader((name, _v, anc) => {
    seen.push(`${anc.length}:${name}`);
    return false;
  });
  for (const p of pieces) r.feed(p);
  return { tree: r.finish(), seen };
}

function syntaxError(xml: string): XmlSyntaxError {
  try {
    readAll([xml]);
  } catch (err) {
    expect(err).toBeInstanceOf(XmlSyntaxError);
    return err as XmlSyntaxError;
  }
  throw new Error('expected an XmlSyntaxError');
}

describe('XmlStreamReader', () => {
  it('builds fast-xml-parser-shaped objects: leaves as text, attributes as @_, repeats as arrays, no prefixes', () => {
    const { tree } = readAll(['<?xml version="1.0"?><!-- c --><ns:Doc xmlns:ns="u"><A Ccy="EUR">1.00</A><B>x &amp; y</B><B><![CDATA[<z>]]></B><C/></ns:Doc>']);
    expect(tree).toEqual({ Doc: { A: { '@_Ccy': 'EUR', '#text': '1.00' }, B: ['x & y', '<z>'], C: '' } });
  });

  it('gives the same result whatever the pieces the text arrives in', () => {
    const text = new TextDecoder().decode(fixtureBytes('camt053/viafintech-v04-ch-postfinance-batches-reversals.xml')).replace(/^\uFEFF/, '');
    const whole = readAll([text]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces: string[] = [];
        let prev = 0;
        for (const p of points) {
          pieces.push(text.slice(prev, p));
          prev = p;
        }
        pieces.push(text.slice(prev));
        expect(readAll(pieces)).toEqual(whole);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('refuses malformed documents with a line number', () => {
    expect(syntaxError('<a>\n<b></c>\n</a>')).toMatchObject({ line: 2, message: 'end tag </c> does not match the open <b>' });
    expect(syntaxError('<a><b>').message).toMatch(/ends while <b> is still open/);
    expect(syntaxError('<!DOCTYPE a [<!ENTITY x "y">]><a/>').message).toMatch(/DOCTYPE/);
    expect(syntaxError('<a>&nbsp;</a>').message).toMatch(/unknown entity &nbsp;/);
    expect(syntaxError('<a>x & y</a>').message).toMatch(/'&' that does not start an entity/);
    expect(syntaxError('<a/><b/>').message).toMatch(/second document element/);
    expect(syntaxError('<a/>tail').message).toMatch(/text after the document element/);
    expect(syntaxError('<a x=1/>').message).toMatch(/malformed start tag/);
    expect(syntaxError('<a>< b</a>').message).toMatch(/does not start a valid tag/);
  });
});

/** A synthetic camt.053 statement of n credits of 12.34 (several 4 MB decoding pieces when n is large). */
function syntheticCamt(n: number): Uint8Array {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>` +
      `<GrpHdr><MsgId>BIG</MsgId></GrpHdr><Stmt><Id>S1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>` +
      `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>` +
      `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${BigInt(n) * 1234n / 100n}.${String((BigInt(n) * 1234n) % 100n).padStart(2, '0')}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-31</Dt></Dt></Bal>\n`,
  ];
  for (let i = 0; i < n; i++) {
    parts.push(
      `<Ntry><Amt Ccy="EUR">12.34</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-01-15</Dt></BookgDt>` +
        `<ValDt><Dt>2024-01-15</Dt></ValDt><AcctSvcrRef>REF${i}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E2E${i}</EndToEndId></Refs>` +
        `<Amt Ccy="EUR">12.34</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>Customer ${i % 977}</Nm></Pty></Dbtr>` +
        `<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>INVOICE ${100000 + i}</Ustrd>` +
        `<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>\n`,
    );
  }
  parts.push('</Stmt></BkToCstmrStmt></Document>');
  return new TextEncoder().encode(parts.join(''));
}

describe('large camt.053', () => {
  it('streams a statement bigger than one decoding piece and keeps every entry exact', () => {
    const n = 8000;
    const bytes = syntheticCamt(n);
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    const file = parseCamt(bytes, 'big.xml');
    const s = file.statements[0];
    expect(s?.entries).toHaveLength(n);
    expect(s?.entries[n - 1]).toMatchObject({ bankReference: `REF${n - 1}`, remittance: [`INVOICE ${100000 + n - 1}`], payerName: `Customer ${(n - 1) % 977}` });
    expect(checkFile(file).statements[0]).toMatchObject({ net: '98720.00', reconciles: true });
  });
});
