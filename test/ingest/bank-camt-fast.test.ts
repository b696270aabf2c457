/**
 * camt entries are read by a ShapeScanner (xml-shape-scan.ts) that builds objects only for the paths
 * the converter reads and hands anything unusual back to the general XML reader. These tests hold the
 * two ways to the same answer: every camt fixture, fixtures with random edits inside their entries (same
 * result or the same error), and documents cut into pieces anywhere (an entry spanning two pieces).
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTRY_SHAPE, parseCamt } from '../../ingest/bank/camt.ts';
import { ShapeScanner, shape, type Shape } from '../../ingest/bank/xml-shape-scan.ts';
import { XmlStreamReader } from '../../ingest/bank/xml-stream.ts';
import { FIXTURES, fixtureBytes } from './bank-helpers.ts';

const CAMT = ['camt052', 'camt053', 'camt054'].flatMap((dir) =>
  readdirSync(`${FIXTURES}${dir}`)
    .filter((f) => f.endsWith('.xml'))
    .map((f) => `${dir}/${f}`),
);

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function outcome(bytes: Uint8Array, generalReaderOnly: boolean): Outcome {
  try {
    return { ok: true, value: parseCamt(bytes, 'f.xml', { generalReaderOnly }) };
  } catch (err) {
    const e = err as Error & { location?: unknown };
    return { ok: false, error: `${e.name}: ${e.message} ${JSON.stringify(e.location ?? null)}` };
  }
}

describe('camt entries: shape scanner and general reader agree', () => {
  it('on every camt fixture, and the scanner really reads their entries', () => {
    expect(CAMT.length).toBeGreaterThanOrEqual(10);
    for (const rel of CAMT) {
      const bytes = fixtureBytes(rel);
      const fast = outcome(bytes, false);
      expect(fast.ok, rel).toBe(true);
      expect(fast, rel).toEqual(outcome(bytes, true));
      // Not trivially equal because the fast path never ran: the first entry scans to a value.
      const text = bytes.toString('latin1');
      const lt = text.indexOf('<Ntry>');
      if (lt < 0 || text.slice(lt, text.indexOf('</Ntry>', lt)).includes('&')) continue;
      expect(new ShapeScanner(ENTRY_SHAPE, { utf8Bytes: true }).scan(text, 1, lt, lt + 5), rel).not.toBeNull();
    }
  });

  it('on every camt fixture written with a namespace prefix (<c:Ntry>…</c:Ntry>)', () => {
    let checked = 0;
    for (const rel of CAMT) {
      const text = fixtureBytes(rel).toString('utf8');
      if (!/xmlns="/.test(text)) continue;
      const prefixed = text
        .replace(/<(\/?)([A-Za-z]\w*)([ >/])/g, (m: string, slash: string, name: string, end: string) => (name === 'xml' ? m : `<${slash}c:${name}${end}`))
        .replace('xmlns="', 'xmlns:c="');
      const bytes = Buffer.from(prefixed, 'utf8');
      const fast = outcome(bytes, false);
      expect(fast.ok, rel).toBe(true);
      expect(fast, rel).toEqual(outcome(bytes, true));
      expect(fast, rel).toEqual(outcome(fixtureBytes(rel), true));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('on fixtures edited inside their entries: the same result or the same error', () => {
    const seeds = CAMT.map((rel) => {
      const bytes = fixtureBytes(rel);
      const text = bytes.toString('latin1');
      return { bytes, from: text.indexOf('<Ntry>'), to: text.lastIndexOf('</Ntry>') + 7 };
    }).filter((s) => s.from >= 0);
    const markup = [0x3c, 0x3e, 0x2f, 0x26, 0x20, 0x22, 0x3d, 0x3a, 0x0a, 0x41, 0x21, 0x3f, 0xc3, 0xbc, 0x5b];
    const edit = fc.record({ at: fc.nat(), kind: fc.integer({ min: 0, max: 2 }), byte: fc.constantFrom(...markup) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (i, edits) => {
        const seed = seeds[i];
        if (!seed) return;
        const out = Array.from(seed.bytes);
        for (const e of edits) {
          const at = seed.from + (e.at % Math.max(1, seed.to - seed.from));
          if (e.kind === 0) out[at] = e.byte;
          else if (e.kind === 1) out.splice(at, 0, e.byte);
          else out.splice(at, 1);
        }
        const bytes = Uint8Array.from(out);
        expect(outcome(bytes, false)).toEqual(outcome(bytes, true));
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it('whatever pieces the document arrives in (an entry may span two)', () => {
    const kept = shape({ A: shape({ B: shape() }), C: shape() });
    const doc =
      '<Doc><List>' +
      '<E>\n  <A x="1"><B>one</B><Skip><B>no</B></Skip></A>\n  <C>two<D/>three</C><Z/></E>' +
      '<E><C/><A><B>b1</B><B>b2</B></A></E>' +
      '<E>text <A/> more</E>' +
      '</List></Doc>';
    // The general reader's values, cut down to the shape: what the scanner must produce.
    const cut = (v: unknown, s: Shape): unknown => {
      if (typeof v !== 'object' || v === null) return s.text ? v : '';
      const node = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(node)) {
        const kid = s.kids.find((c) => c.name === k);
        if (k.startsWith('@_')) out[k] = val;
        else if (kid) out[k] = Array.isArray(val) ? val.map((x) => cut(x, kid.shape)) : cut(val, kid.shape);
      }
      const keys = Object.keys(out);
      const text = s.text && typeof node['#text'] === 'string' ? node['#text'] : undefined;
      if (keys.length === 0) return text ?? '';
      if (text !== undefined) out['#text'] = text;
      return out;
    };
    const read = (pieces: string[], fast: boolean) => {
      const seen: unknown[] = [];
      const wants = (name: string, anc: readonly string[]) => name === 'E' && anc[anc.length - 1] === 'List';
      const reader = new XmlStreamReader(
        (name, value, anc) => {
          if (!wants(name, anc)) return false;
          seen.push(fast ? value : cut(value, kept));
          return true;
        },
        fast ? { fast: { wants, scanner: new ShapeScanner(kept) } } : {},
      );
      for (const p of pieces) reader.feed(p);
      reader.finish();
      return seen;
    };
    const whole = read([doc], false);
    expect(whole).toHaveLength(3);
    expect(whole[0]).toEqual({ A: { '@_x': '1', B: 'one' }, C: 'twothree' });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: doc.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces: string[] = [];
        let prev = 0;
        for (const p of points) {
          pieces.push(doc.slice(prev, p));
          prev = p;
        }
        pieces.push(doc.slice(prev));
        expect(read(pieces, true)).toEqual(whole);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('a document truncated inside an entry fails as it does without the scanner', () => {
    const bytes = fixtureBytes('camt053/viafintech-v08-ch-ubs-invoice-ref-fx.xml');
    const text = bytes.toString('latin1');
    const cutAt = text.indexOf('</Nm>', text.indexOf('<Ntry>'));
    const truncated = bytes.subarray(0, cutAt);
    const fast = outcome(truncated, false);
    expect(fast.ok).toBe(false);
    expect(fast).toEqual(outcome(truncated, true));
  });
});
