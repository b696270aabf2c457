import { describe, expect, it } from 'vitest';
import { BankParseError } from '../../ingest/bank/errors.ts';
import { parseCamt } from '../../ingest/bank/camt.ts';
import { xmlPieces, xmlTextPieces } from '../../ingest/bank/text.ts';
import { XmlStreamReader } from '../../ingest/bank/xml-stream.ts';

const DOC = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <Nm lang="dé">Müller &amp; Söhne — Zürich &#xFC; &#x1F600; 日本</Nm>
  <Ustrd><![CDATA[Réf. <INV-1> ß]]></Ustrd>
  <Mixed>a<B/> ü <C/>b</Mixed>
  <Empty>   </Empty>
</Document>`;

function readAll(reader: XmlStreamReader, pieces: Iterable<string>): unknown {
  for (const p of pieces) reader.feed(p);
  return reader.finish();
}

describe('XML as UTF-8 bytes', () => {
  const bytes = new Uint8Array(Buffer.from(DOC, 'utf8'));

  it('reads a UTF-8 document from byte strings exactly as from decoded text (entities, CDATA, attributes, BOM)', () => {
    const { utf8Bytes, pieces } = xmlPieces(bytes, 'camt.053', 'x.xml');
    expect(utf8Bytes).toBe(true);
    const fromBytes = readAll(new XmlStreamReader(undefined, { utf8Bytes: true }), pieces);
    const fromText = readAll(new XmlStreamReader(), xmlTextPieces(bytes, 'camt.053', 'x.xml'));
    expect(fromBytes).toEqual(fromText);
    expect(fromBytes).toMatchObject({
      Document: { Nm: { '#text': 'Müller & Söhne — Zürich ü 😀 日本', '@_lang': 'dé' }, Ustrd: 'Réf. <INV-1> ß', Mixed: { '#text': 'a ü b' }, Empty: '' },
    });
  });

  it('decodes Latin-1 declared documents as before', () => {
    const latin = new Uint8Array(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><A>M\u00fcller</A>', 'latin1'));
    const { utf8Bytes, pieces } = xmlPieces(latin, 'camt.053', 'x.xml');
    expect(utf8Bytes).toBe(false);
    expect(readAll(new XmlStreamReader(), pieces)).toEqual({ A: { '#text': 'Müller' } });
  });

  it('refuses invalid UTF-8 naming the byte, offset and line, before reading anything', () => {
    const bad = new Uint8Array(Buffer.concat([Buffer.from('<?xml version="1.0"?>\n<A>\n<B>M'), Buffer.from([0xfc]), Buffer.from('ller</B></A>')]));
    expect(() => xmlPieces(bad, 'camt.053', 'bad.xml')).toThrow(BankParseError);
    expect(() => xmlPieces(bad, 'camt.053', 'bad.xml')).toThrow(/not valid UTF-8 \(byte 0xfc at offset 30\)/);
    try {
      xmlPieces(bad, 'camt.053', 'bad.xml');
    } catch (err) {
      expect((err as BankParseError).location).toMatchObject({ file: 'bad.xml', line: 3, field: 'encoding' });
    }
  });

  it('keeps non-ASCII payer names and remittance in a parsed camt.053', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>CH9300762011623852957</IBAN></Id></Acct>
<Ntry><Amt Ccy="CHF">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>Jürg Müller-Lüdenscheidt</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>Rechnung Nr. 4711 – Grüße</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
    const file = parseCamt(new Uint8Array(Buffer.from(xml, 'utf8')), 'umlaut.xml');
    const entry = file.statements[0]?.entries[0];
    expect(entry?.payerName).toBe('Jürg Müller-Lüdenscheidt');
    expect(entry?.remittance).toEqual(['Rechnung Nr. 4711 – Grüße']);
  });
});
