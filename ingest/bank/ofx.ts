/**
 * OFX bank and credit-card statements: 1.x (SGML headers, leaf elements without end tags) and 2.x (XML).
 * One tolerant tree builder reads both — a start tag directly followed by text is a leaf whether or not
 * its end tag follows — while 2.x bodies are first checked for well-formedness with fast-xml-parser.
 */
import { XMLValidator } from 'fast-xml-parser';
import { formatUnits, parseUnits } from './decimal.ts';
import { BankParseError } from './errors.ts';
import type { Balance, BankEntry, BankFile, BankStatement } from './model.ts';
import { findCreditorReference } from './references.ts';
import { decodeLenient } from './text.ts';

const FORMAT = 'ofx';

interface OfxNode {
  readonly name: string;
  readonly children: OfxNode[];
  value: string | null;
  readonly line: number;
}

function fail(file: string, line: number | undefined, field: string, message: string): never {
  throw new BankParseError(FORMAT, message, { file, line, field });
}

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    if (e === 'nbsp') return ' ';
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

const TOKEN_RE = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z][A-Za-z0-9_.]*)\s*(\/?)>|([^<]+)|(<)/g;

type Token =
  | { kind: 'open'; name: string; line: number; selfClosing: boolean }
  | { kind: 'close'; name: string; line: number }
  | { kind: 'text'; text: string; line: number };

function tokenize(body: string, file: string, firstLine: number): Token[] {
  const tokens: Token[] = [];
  let line = firstLine;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(body); m; m = TOKEN_RE.exec(body)) {
    const here = line;
    for (const ch of m[0]) if (ch === '\n') line++;
    if (m[1] !== undefined) tokens.push({ kind: 'text', text: m[1], line: here });
    else if (m[3] !== undefined) {
      if (m[2] === '/') tokens.push({ kind: 'close', name: m[3].toUpperCase(), line: here });
      else tokens.push({ kind: 'open', name: m[3].toUpperCase(), line: here, selfClosing: m[4] === '/' });
    } else if (m[5] !== undefined) {
      if (m[5].trim() !== '') tokens.push({ kind: 'text', text: decodeEntities(m[5]), line: here });
    } else if (m[6] !== undefined) {
      fail(file, here, 'tag', `'<' that does not start a valid tag: '${body.slice(m.index, m.index + 20)}'`);
    }
  }
  return tokens;
}

function buildTree(tokens: Token[], file: string): OfxNode {
  const root: OfxNode = { name: '#root', children: [], value: null, line: 0 };
  const stack: OfxNode[] = [root];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const top = stack[stack.length - 1] ?? root;
    if (t.kind === 'text') {
      // Text not directly after a start tag (e.g. stray characters between aggregates) is ignored in
      // SGML; in a leaf it was consumed below.
      if (t.text.trim() !== '' && top !== root) fail(file, t.line, top.name, `unexpected text '${t.text.trim().slice(0, 30)}' inside <${top.name}>`);
      continue;
    }
    if (t.kind === 'open') {
      const node: OfxNode = { name: t.name, children: [], value: null, line: t.line };
      top.children.push(node);
      if (t.selfClosing) {
        node.value = '';
        continue;
      }
      const next = tokens[i + 1];
      if (next?.kind === 'text') {
        let text = next.text;
        let j = i + 2;
        while (tokens[j]?.kind === 'text') {
          text += (tokens[j] as { text: string }).text;
          j++;
        }
        node.value = text.trim();
        i = j - 1;
        const after = tokens[j];
        if (after?.kind === 'close' && after.name === t.name) i = j;
        continue;
      }
      if (next?.kind === 'close' && next.name === t.name) {
        node.value = '';
        i++;
        continue;
      }
      stack.push(node);
      continue;
    }
    // Close tag: unwind to the matching aggregate.
    const at = stack.map((n) => n.name).lastIndexOf(t.name);
    if (at <= 0) fail(file, t.line, t.name, `end tag </${t.name}> without a matching start tag`);
    stack.length = at;
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1];
    fail(file, open?.line, open?.name ?? '', `<${open?.name ?? ''}> is never closed (truncated file?)`);
  }
  return root;
}

function kid(n: OfxNode | undefined, name: string): OfxNode | undefined {
  return n?.children.find((c) => c.name === name);
}

function val(n: OfxNode | undefined, ...names: string[]): string | null {
  let cur = n;
  for (const name of names) cur = kid(cur, name);
  const v = cur?.value?.trim();
  return v ? v : null;
}

function findAll(n: OfxNode, names: Set<string>, out: OfxNode[] = []): OfxNode[] {
  for (const c of n.children) {
    if (names.has(c.name)) out.push(c);
    else findAll(c, names, out);
  }
  return out;
}

function ofxDate(file: string, raw: string | null, line: number, field: string): string | null {
  if (raw === null) return null;
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(raw);
  if (!m) fail(file, line, field, `'${raw}' is not an OFX date (YYYYMMDD…)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || dt.getUTCDate() !== d) fail(file, line, field, `'${raw}' is not a valid date`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function ofxAmount(file: string, raw: string, line: number, field: string): bigint {
  // Some European banks write a decimal comma; OFX itself allows either mark.
  const t = raw.includes('.') ? raw.replace(/,/g, '') : raw.replace(',', '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) fail(file, line, field, `'${raw}' is not an amount`);
  const v = parseUnits(t.replace(/^\+/, ''));
  if (v === undefined) fail(file, line, field, `'${raw}' has too many decimals or digits`);
  return v;
}

function parseStatement(file: string, stmt: OfxNode, warnings: string[]): BankStatement {
  const acct = kid(stmt, 'BANKACCTFROM') ?? kid(stmt, 'CCACCTFROM');
  const acctId = val(acct, 'ACCTID');
  if (!acct || acctId === null) fail(file, stmt.line, 'ACCTID', `<${stmt.name}> has no account id (BANKACCTFROM/ACCTID)`);
  let currency = val(stmt, 'CURDEF');
  if (currency === null) {
    warnings.push(`line ${stmt.line}: currency definition was empty for <${stmt.name}><CURDEF></CURDEF>; using each transaction's <CURRENCY><CURSYM> where given`);
  }
  const list = kid(stmt, 'BANKTRANLIST');
  const entries: BankEntry[] = [];
  for (const tr of (list?.children ?? []).filter((c) => c.name === 'STMTTRN')) {
    const rawAmt = val(tr, 'TRNAMT');
    if (rawAmt === null) fail(file, tr.line, 'TRNAMT', 'transaction amount is missing');
    const amt = ofxAmount(file, rawAmt, tr.line, 'TRNAMT');
    const posted = ofxDate(file, val(tr, 'DTPOSTED'), tr.line, 'DTPOSTED');
    if (posted === null) fail(file, tr.line, 'DTPOSTED', 'posting date is missing');
    const memo = val(tr, 'MEMO');
    const name = val(tr, 'NAME') ?? val(tr, 'PAYEE', 'NAME') ?? val(tr, 'EXTDNAME');
    const fitid = val(tr, 'FITID');
    const txCurrency = val(tr, 'CURRENCY', 'CURSYM') ?? val(tr, 'ORIGCURRENCY', 'CURSYM');
    const remittance = [memo, val(tr, 'EXTDNAME')].filter((s): s is string => s !== null && s !== name);
    entries.push({
      index: entries.length + 1,
      line: tr.line,
      element: null,
      direction: amt < 0n ? 'debit' : 'credit',
      amount: formatUnits(amt < 0n ? -amt : amt),
      currency: currency ?? txCurrency,
      bookingDate: posted,
      valueDate: ofxDate(file, val(tr, 'DTAVAIL') ?? val(tr, 'VALUEDATE'), tr.line, 'DTAVAIL'),
      payerName: name,
      payerAccount: val(tr, 'BANKACCTTO', 'ACCTID') ?? val(tr, 'CCACCTTO', 'ACCTID'),
      bankReference: fitid ?? val(tr, 'SRVRTID') ?? val(tr, 'REFNUM') ?? val(tr, 'CHECKNUM'),
      endToEndId: null,
      entryReference: fitid,
      creditorReference: findCreditorReference(remittance.join(' ')),
      remittance,
      reversal: val(tr, 'CORRECTACTION') === 'DELETE',
      returnReason: null,
      returned: false,
      typeCode: val(tr, 'TRNTYPE'),
      status: null,
      transactions: [],
    });
  }
  if (currency === null) currency = entries.find((e) => e.currency !== null)?.currency ?? null;
  const balance = (tag: string): Balance | null => {
    const b = kid(stmt, tag);
    const raw = val(b, 'BALAMT');
    if (!b || raw === null) return null;
    return {
      type: tag,
      amount: formatUnits(ofxAmount(file, raw, b.line, `${tag}/BALAMT`)),
      currency,
      date: ofxDate(file, val(b, 'DTASOF'), b.line, `${tag}/DTASOF`),
    };
  };
  const ledger = balance('LEDGERBAL');
  const avail = balance('AVAILBAL');
  const routing = val(acct, 'BANKID');
  return {
    id: `${routing ? `${routing}/` : ''}${acctId}`,
    sequence: null,
    accountId: acctId,
    iban: null,
    bic: null,
    currency,
    opening: null,
    closing: ledger,
    closingAvailable: avail,
    balances: [ledger, avail].filter((b): b is Balance => b !== null),
    fromDate: ofxDate(file, val(list, 'DTSTART'), list?.line ?? stmt.line, 'DTSTART'),
    toDate: ofxDate(file, val(list, 'DTEND'), list?.line ?? stmt.line, 'DTEND'),
    entries,
    line: stmt.line,
    element: null,
  };
}

export interface OfxAccountInfo {
  readonly accountId: string;
  readonly routing: string | null;
  readonly branch: string | null;
  readonly accountType: string | null;
}

export function parseOfx(bytes: Uint8Array, file: string): BankFile & { accounts: OfxAccountInfo[] } {
  const { text } = decodeLenient(bytes);
  const start = text.search(/<OFX>/i);
  if (start < 0) fail(file, 1, 'OFX', 'no <OFX> element found');
  const headerText = text.slice(0, start);
  const firstLine = headerText.split('\n').length;
  const isXml = /<\?xml|<\?OFX/i.test(headerText);
  let version: string | null = null;
  if (isXml) {
    version = /<\?OFX[^>]*VERSION="(\d+)"/i.exec(headerText)?.[1] ?? null;
    const body = text.slice(start);
    const valid = XMLValidator.validate(body);
    if (valid !== true) {
      fail(file, valid.err.line + firstLine - 1, `column ${valid.err.col}`, `malformed OFX 2 XML: ${valid.err.msg}`);
    }
  } else {
    if (!/OFXHEADER\s*:/i.test(headerText)) fail(file, 1, 'OFXHEADER', 'OFX 1.x file without an OFXHEADER header block');
    version = /VERSION\s*:\s*(\d+)/i.exec(headerText)?.[1] ?? null;
  }
  const tree = buildTree(tokenize(text.slice(start), file, firstLine), file);
  const statements = findAll(tree, new Set(['STMTRS', 'CCSTMTRS']));
  if (statements.length === 0) fail(file, firstLine, 'STMTRS', 'the file holds no bank or credit-card statement (<STMTRS>/<CCSTMTRS>)');
  const warnings: string[] = [];
  const parsed = statements.map((s) => parseStatement(file, s, warnings));
  const accounts = statements.map((s) => {
    const acct = kid(s, 'BANKACCTFROM') ?? kid(s, 'CCACCTFROM');
    return {
      accountId: val(acct, 'ACCTID') ?? '',
      routing: val(acct, 'BANKID'),
      branch: val(acct, 'BRANCHID'),
      accountType: val(acct, 'ACCTTYPE'),
    };
  });
  return { format: 'ofx', version: version ? `OFX ${version}` : null, messageId: null, statements: parsed, warnings, accounts };
}
