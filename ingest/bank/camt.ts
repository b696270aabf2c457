/**
 * ISO 20022 camt.052 (intraday report), camt.053 (statement) and camt.054 (debit/credit notification),
 * message versions .001.02 to .001.13. The version is read from the document namespace; the element
 * names this parser relies on are stable across those versions except where noted (v08+ wraps parties
 * in <Pty>, v02 carries transaction amounts only in AmtDtls, v08+ turns <Sts> into <Sts><Cd>).
 */
import { formatUnits, parseUnits } from './decimal.ts';
import { BankParseError, UnsupportedBankFormatError } from './errors.ts';
import {
  type Balance,
  type BankEntry,
  type BankFile,
  type BankFormat,
  type BankStatement,
  type BankTransaction,
  type Direction,
} from './model.ts';
import { xmlPieces } from './text.ts';
import { ShapeScanner, shape as keep } from './xml-shape-scan.ts';
import { XmlStreamReader, XmlSyntaxError } from './xml-stream.ts';

const NAMESPACE_RE = /urn:iso:std:iso:20022:tech:xsd:(camt\.(\d{3})\.(\d{3})\.(\d{2}))/;
const SUPPORTED_VERSIONS = new Set(['02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);

interface MessageShape {
  readonly format: BankFormat;
  readonly root: string;
  readonly item: string;
}
const MESSAGES: Record<string, MessageShape> = {
  '052': { format: 'camt.052', root: 'BkToCstmrAcctRpt', item: 'Rpt' },
  '053': { format: 'camt.053', root: 'BkToCstmrStmt', item: 'Stmt' },
  '054': { format: 'camt.054', root: 'BkToCstmrDbtCdtNtfctn', item: 'Ntfctn' },
};

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(n: unknown, name: string): unknown {
  if (!isNode(n)) return undefined;
  const v = n[name];
  return Array.isArray(v) ? v[0] : v;
}

function children(n: unknown, name: string): unknown[] {
  if (!isNode(n)) return [];
  const v = n[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (isNode(v) && typeof v['#text'] === 'string') return text(v['#text']);
  return null;
}

function path(n: unknown, ...names: string[]): unknown {
  let cur = n;
  for (const name of names) {
    cur = child(cur, name);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function textAt(n: unknown, ...names: string[]): string | null {
  return text(path(n, ...names));
}

/**
 * Every path under <Ntry> that parseEntry/parseTransaction read (child, children, path, textAt above):
 * entries are read by a ShapeScanner that builds objects for these elements only, with the text of
 * leaves and of the containers whose own text is read (`text: true`). A path read below but missing
 * here would silently read as absent — test/ingest/bank-camt-fast.test.ts compares both readers.
 */
const AMOUNT = keep();
const PARTY = keep({ Nm: keep(), Pty: keep({ Nm: keep() }) });
const ACCOUNT = keep({ Id: keep({ IBAN: keep(), Othr: keep({ Id: keep() }) }) });
const AGENT = keep({ FinInstnId: keep({ BICFI: keep(), BIC: keep() }) });
const BANK_TX_CODE = keep({ Domn: keep({ Cd: keep(), Fmly: keep({ Cd: keep(), SubFmlyCd: keep() }) }), Prtry: keep({ Cd: keep() }) });
const DATE = keep({ Dt: keep(), DtTm: keep() }, { text: true }); // dateOf falls back to the element's own text
const TRANSACTION = keep({
  Refs: keep({
    AcctSvcrRef: keep(),
    EndToEndId: keep(),
    InstrId: keep(),
    TxId: keep(),
    PmtInfId: keep(),
    MndtId: keep(),
    UETR: keep(),
  }),
  Amt: AMOUNT,
  AmtDtls: keep({ TxAmt: keep({ Amt: AMOUNT }), InstdAmt: keep({ Amt: AMOUNT }) }),
  CdtDbtInd: keep(),
  RltdPties: keep({ Dbtr: PARTY, DbtrAcct: ACCOUNT, Cdtr: PARTY, CdtrAcct: ACCOUNT }),
  RltdAgts: keep({ DbtrAgt: AGENT, CdtrAgt: AGENT }),
  RmtInf: keep({ Strd: keep({ CdtrRefInf: keep({ Ref: keep() }), AddtlRmtInf: keep() }), Ustrd: keep() }),
  RtrInf: keep({ Rsn: keep({ Cd: keep(), Prtry: keep() }) }),
  BkTxCd: BANK_TX_CODE,
  AddtlTxInf: keep(),
});
export const ENTRY_SHAPE = keep({
  Amt: AMOUNT,
  CdtDbtInd: keep(),
  RvslInd: keep(),
  NtryDtls: keep({ TxDtls: TRANSACTION }),
  AcctSvcrRef: keep(),
  NtryRef: keep(),
  AddtlNtryInf: keep(),
  Sts: keep({ Cd: keep(), Prtry: keep() }, { text: true }), // v02-v07: <Sts>BOOK</Sts>
  BookgDt: DATE,
  ValDt: DATE,
  BkTxCd: BANK_TX_CODE,
});

interface Ctx {
  readonly format: BankFormat;
  readonly file: string;
}

function fail(ctx: Ctx, element: string, field: string, message: string): never {
  throw new BankParseError(ctx.format, message, { file: ctx.file, element, field });
}

const DATE_RE = /^(\d{4}-\d{2}-\d{2})(?:$|T)/;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DD that exists on the calendar (Date.parse would accept 2024-02-30). */
function calendarDate(iso: string): boolean {
  const y = Number(iso.slice(0, 4));
  const mo = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (mo < 1 || mo > 12 || d < 1 || d > (DAYS[mo - 1] ?? 0)) return false;
  return !(mo === 2 && d === 29) || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
}

function dateOf(ctx: Ctx, n: unknown, element: string, field: string): string | null {
  if (n === undefined) return null;
  const raw = textAt(n, 'Dt') ?? textAt(n, 'DtTm') ?? text(n);
  if (raw === null) return null;
  const m = DATE_RE.exec(raw);
  const iso = m?.[1];
  if (!iso || !calendarDate(iso)) fail(ctx, element, field, `'${raw}' is not an ISO date`);
  return iso;
}

const CANONICAL_AMOUNT_RE = /^(?:0|[1-9]\d{0,12})\.\d\d$/;

interface AmountValue {
  readonly amount: string;
  readonly currency: string | null;
}

function amountOf(ctx: Ctx, n: unknown, element: string, required: true): AmountValue;
function amountOf(ctx: Ctx, n: unknown, element: string, required: false): AmountValue | null;
function amountOf(ctx: Ctx, n: unknown, element: string, required: boolean): AmountValue | null {
  const raw = text(n);
  if (raw === null) {
    if (required) fail(ctx, element, 'Amt', 'amount is missing');
    return null;
  }
  const ccy = isNode(n) && typeof n['@_Ccy'] === 'string' ? n['@_Ccy'].trim() : null;
  // Most amounts are already canonical ("12.34"): no need to go through bigint.
  if (CANONICAL_AMOUNT_RE.test(raw)) return { amount: raw, currency: ccy };
  if (!/^\d+(\.\d+)?$/.test(raw)) fail(ctx, element, 'Amt', `'${raw}' is not a decimal amount`);
  const units = parseUnits(raw);
  if (units === undefined) fail(ctx, element, 'Amt', `'${raw}' has more than 5 decimals or is too large`);
  return { amount: formatUnits(units), currency: ccy };
}

function directionOf(ctx: Ctx, n: unknown, element: string, required: true): Direction;
function directionOf(ctx: Ctx, n: unknown, element: string, required: false): Direction | null;
function directionOf(ctx: Ctx, n: unknown, element: string, required: boolean): Direction | null {
  const v = textAt(n, 'CdtDbtInd');
  if (v === 'CRDT') return 'credit';
  if (v === 'DBIT') return 'debit';
  if (v === null && !required) return null;
  return fail(ctx, element, 'CdtDbtInd', v === null ? 'credit/debit indicator is missing' : `'${v}' is not CRDT or DBIT`);
}

function bankTxCode(n: unknown): string | null {
  const bk = child(n, 'BkTxCd');
  if (bk === undefined) return null;
  const domain = textAt(bk, 'Domn', 'Cd');
  if (domain !== null) {
    const family = textAt(bk, 'Domn', 'Fmly', 'Cd');
    const sub = textAt(bk, 'Domn', 'Fmly', 'SubFmlyCd');
    return [domain, family, sub].filter((p): p is string => p !== null).join('/');
  }
  return textAt(bk, 'Prtry', 'Cd');
}

/** Party name: v02–v07 <Dbtr><Nm>, v08+ <Dbtr><Pty><Nm>. */
function partyName(party: unknown): string | null {
  return textAt(party, 'Nm') ?? textAt(party, 'Pty', 'Nm');
}

function accountId(acct: unknown): string | null {
  return textAt(acct, 'Id', 'IBAN') ?? textAt(acct, 'Id', 'Othr', 'Id');
}

function agentBic(agent: unknown): string | null {
  return textAt(agent, 'FinInstnId', 'BICFI') ?? textAt(agent, 'FinInstnId', 'BIC');
}

function textsOf(nodes: unknown[]): string[] {
  return nodes.map(text).filter((t): t is string => t !== null);
}

function parseTransaction(ctx: Ctx, tx: unknown, element: string, entryDirection: Direction, reversal: boolean): BankTransaction {
  const refs = child(tx, 'Refs');
  const amt =
    amountOf(ctx, child(tx, 'Amt'), `${element}/Amt`, false) ??
    amountOf(ctx, path(tx, 'AmtDtls', 'TxAmt', 'Amt'), `${element}/AmtDtls/TxAmt/Amt`, false) ??
    amountOf(ctx, path(tx, 'AmtDtls', 'InstdAmt', 'Amt'), `${element}/AmtDtls/InstdAmt/Amt`, false);
  const direction = directionOf(ctx, tx, element, false);
  // Who the money came from (credit) or went to (debit); a reversal undoes the original direction.
  const effective = direction ?? entryDirection;
  const fromDebtor = (effective === 'credit') !== reversal;
  const parties = child(tx, 'RltdPties');
  const party = child(parties, fromDebtor ? 'Dbtr' : 'Cdtr');
  const partyAcct = child(parties, fromDebtor ? 'DbtrAcct' : 'CdtrAcct');
  const agent = path(tx, 'RltdAgts', fromDebtor ? 'DbtrAgt' : 'CdtrAgt');
  const rmt = child(tx, 'RmtInf');
  const strd = children(rmt, 'Strd');
  const creditorReferences: string[] = [];
  const additionalRemittance: string[] = [];
  for (const s of strd) {
    for (const ref of children(s, 'CdtrRefInf')) {
      const r = textAt(ref, 'Ref');
      if (r !== null) creditorReferences.push(r);
    }
    additionalRemittance.push(...textsOf(children(s, 'AddtlRmtInf')));
  }
  const rtr = child(tx, 'RtrInf');
  return {
    amount: amt?.amount ?? null,
    currency: amt?.currency ?? null,
    direction,
    payerName: partyName(party),
    payerAccount: accountId(partyAcct),
    payerBic: agentBic(agent),
    debtorName: partyName(child(parties, 'Dbtr')),
    debtorAccount: accountId(child(parties, 'DbtrAcct')),
    creditorName: partyName(child(parties, 'Cdtr')),
    creditorAccount: accountId(child(parties, 'CdtrAcct')),
    accountServicerReference: textAt(refs, 'AcctSvcrRef'),
    endToEndId: textAt(refs, 'EndToEndId'),
    instructionId: textAt(refs, 'InstrId'),
    transactionId: textAt(refs, 'TxId'),
    paymentInformationId: textAt(refs, 'PmtInfId'),
    mandateId: textAt(refs, 'MndtId'),
    uetr: textAt(refs, 'UETR'),
    creditorReferences,
    remittance: textsOf(children(rmt, 'Ustrd')),
    additionalRemittance,
    returnReason: rtr === undefined ? null : (textAt(rtr, 'Rsn', 'Cd') ?? textAt(rtr, 'Rsn', 'Prtry') ?? 'unspecified'),
    typeCode: bankTxCode(tx),
    additionalInfo: textAt(tx, 'AddtlTxInf'),
  };
}

function parseEntry(ctx: Ctx, ntry: unknown, element: string, index: number): BankEntry {
  const amt = amountOf(ctx, child(ntry, 'Amt'), `${element}/Amt`, true);
  const direction = directionOf(ctx, ntry, element, true);
  const rv = textAt(ntry, 'RvslInd');
  const reversal = rv === 'true' || rv === '1';
  const transactions: BankTransaction[] = [];
  let txIndex = 0;
  for (const dtls of children(ntry, 'NtryDtls')) {
    for (const tx of children(dtls, 'TxDtls')) {
      txIndex++;
      transactions.push(parseTransaction(ctx, tx, `${element}/NtryDtls/TxDtls[${txIndex}]`, direction, reversal));
    }
  }
  const only = transactions.length === 1 ? transactions[0] : undefined;
  const acctSvcrRef = textAt(ntry, 'AcctSvcrRef');
  const entryRef = textAt(ntry, 'NtryRef');
  const addtl = textAt(ntry, 'AddtlNtryInf');
  const remittance = only && only.remittance.length > 0 ? [...only.remittance] : [];
  if (remittance.length === 0 && addtl !== null) remittance.push(addtl);
  const returnReason = transactions.find((t) => t.returnReason !== null)?.returnReason ?? null;
  const sts = child(ntry, 'Sts');
  return {
    index,
    line: null,
    element,
    direction,
    amount: amt.amount,
    currency: amt.currency,
    bookingDate: dateOf(ctx, child(ntry, 'BookgDt'), `${element}/BookgDt`, 'BookgDt'),
    valueDate: dateOf(ctx, child(ntry, 'ValDt'), `${element}/ValDt`, 'ValDt'),
    payerName: only?.payerName ?? null,
    payerAccount: only?.payerAccount ?? null,
    bankReference: acctSvcrRef ?? only?.accountServicerReference ?? only?.endToEndId ?? entryRef,
    endToEndId: only?.endToEndId ?? null,
    entryReference: entryRef,
    creditorReference: only?.creditorReferences[0] ?? null,
    remittance,
    reversal,
    returnReason,
    returned: returnReason !== null,
    typeCode: bankTxCode(ntry),
    status: text(sts) ?? textAt(sts, 'Cd') ?? textAt(sts, 'Prtry'),
    transactions,
  };
}

function parseBalance(ctx: Ctx, bal: unknown, element: string): Balance {
  const type = textAt(bal, 'Tp', 'CdOrPrtry', 'Cd') ?? textAt(bal, 'Tp', 'CdOrPrtry', 'Prtry') ?? 'UNKNOWN';
  const amt = amountOf(ctx, child(bal, 'Amt'), `${element}/Amt`, true);
  const direction = directionOf(ctx, bal, element, true);
  return {
    type,
    amount: direction === 'debit' && amt.amount !== '0.00' ? `-${amt.amount}` : amt.amount,
    currency: amt.currency,
    date: dateOf(ctx, child(bal, 'Dt'), `${element}/Dt`, 'Dt'),
  };
}

function pick(balances: Balance[], types: string[], last = false): Balance | null {
  for (const t of types) {
    const found = balances.filter((b) => b.type === t);
    const b = last ? found[found.length - 1] : found[0];
    if (b) return b;
  }
  return null;
}

function parseStatement(ctx: Ctx, stmt: unknown, element: string, entries: BankEntry[]): BankStatement {
  const acct = child(stmt, 'Acct');
  const acctId = accountId(acct);
  if (acctId === null) fail(ctx, `${element}/Acct`, 'Acct/Id', 'account id (IBAN or Othr/Id) is missing');
  const balances = children(stmt, 'Bal').map((b, i) => parseBalance(ctx, b, `${element}/Bal[${i + 1}]`));
  const fromTo = child(stmt, 'FrToDt');
  const opening = pick(balances, ['OPBD', 'PRCD', 'ITBD']);
  const closing = pick(balances, ['CLBD', 'ITBD'], true);
  return {
    id: textAt(stmt, 'Id'),
    sequence: textAt(stmt, 'ElctrncSeqNb') ?? textAt(stmt, 'LglSeqNb'),
    accountId: acctId,
    iban: textAt(acct, 'Id', 'IBAN'),
    bic: agentBic(child(acct, 'Svcr')),
    currency: textAt(acct, 'Ccy') ?? balances[0]?.currency ?? entries[0]?.currency ?? null,
    opening,
    closing: closing === opening ? null : closing,
    closingAvailable: pick(balances, ['CLAV']),
    balances,
    fromDate: dateOf(ctx, child(fromTo, 'FrDtTm'), `${element}/FrToDt/FrDtTm`, 'FrDtTm'),
    toDate: dateOf(ctx, child(fromTo, 'ToDtTm'), `${element}/FrToDt/ToDtTm`, 'ToDtTm'),
    entries,
    line: null,
    element,
  };
}

/** The camt message type and version a document declares, or null if it is not a camt document. */
export function camtNamespace(head: string): { message: string; version: string; full: string } | null {
  const m = NAMESPACE_RE.exec(head);
  if (!m?.[1] || !m[2] || !m[4]) return null;
  return { full: m[1], message: m[2], version: m[4] };
}

export interface ParseCamtOptions {
  /** Read entries with the general XML reader only (no ShapeScanner); for tests comparing the two. */
  readonly generalReaderOnly?: boolean;
}

export function parseCamt(bytes: Uint8Array, file: string, options: ParseCamtOptions = {}): BankFile {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const ns = camtNamespace(head);
  if (!ns) {
    throw new UnsupportedBankFormatError('camt', 'no ISO 20022 camt namespace found in the document element', {
      file,
      line: 1,
      element: 'Document',
      field: 'xmlns',
    });
  }
  const shape = MESSAGES[ns.message];
  if (!shape || !SUPPORTED_VERSIONS.has(ns.version) || !ns.full.startsWith(`camt.${ns.message}.001.`)) {
    throw new UnsupportedBankFormatError(
      `camt.${ns.message}`,
      `unsupported message version ${ns.full} (supported: camt.052/053/054 versions .001.02 to .001.13)`,
      { file, element: 'Document', field: 'xmlns' },
    );
  }
  const ctx: Ctx = { format: shape.format, file };
  const statements: BankStatement[] = [];
  let pending: BankEntry[] = [];
  // Entries and statements are converted as soon as they close and then dropped from the tree, so a
  // million-entry statement never exists as one XML object tree.
  const { utf8Bytes, pieces } = xmlPieces(bytes, shape.format, file);
  const isEntry = (name: string, ancestors: readonly string[]) =>
    ancestors.length === 3 && ancestors[1] === shape.root && ancestors[2] === shape.item && name === 'Ntry';
  const fast = options.generalReaderOnly ? undefined : { wants: isEntry, scanner: new ShapeScanner(ENTRY_SHAPE, { utf8Bytes }) };
  const reader = new XmlStreamReader((name, value, ancestors) => {
    if (isEntry(name, ancestors)) {
      const i = pending.length + 1;
      pending.push(parseEntry(ctx, value, `${shape.item}[${statements.length + 1}]/Ntry[${i}]`, i));
      return true;
    }
    if (ancestors.length === 2 && ancestors[1] === shape.root && name === shape.item) {
      statements.push(parseStatement(ctx, value, `${shape.item}[${statements.length + 1}]`, pending));
      pending = [];
      return true;
    }
    return false;
  }, { utf8Bytes, fast });
  let doc: unknown;
  try {
    for (const piece of pieces) reader.feed(piece);
    doc = reader.finish();
  } catch (err) {
    if (err instanceof XmlSyntaxError) {
      throw new BankParseError(shape.format, `malformed XML: ${err.message}`, { file, line: err.line, field: `column ${err.column}` });
    }
    throw err;
  }
  const root = path(doc, 'Document', shape.root);
  if (!isNode(root)) fail(ctx, 'Document', shape.root, `<${shape.root}> is missing under <Document>`);
  if (statements.length === 0) fail(ctx, shape.root, shape.item, `no <${shape.item}> in the message`);
  return {
    format: shape.format,
    version: ns.full,
    messageId: textAt(root, 'GrpHdr', 'MsgId'),
    statements,
    warnings: [],
  };
}
