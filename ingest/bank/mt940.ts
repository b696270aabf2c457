/**
 * SWIFT MT940 customer statements and MT942 interim reports, as banks really send them: optional
 * SWIFT envelope ({1:…}{4: … -}), SOH/ETX bytes, bank pre-header lines, several statements per file,
 * Latin-1 bytes, and :86: information either free text, German `?nn` sub-fields (with SEPA EREF+/SVWZ+
 * keys) or Dutch/SWIFT `/KEY/value` style.
 */
import { formatUnits, parseUnits } from './decimal.ts';
import { BankParseError } from './errors.ts';
import type { Balance, BankEntry, BankFile, BankFormat, BankStatement, Direction } from './model.ts';
import { findCreditorReference } from './references.ts';
import { decodeLenient, splitLines } from './text.ts';

interface Tag {
  readonly tag: string;
  readonly line: number;
  readonly lines: string[];
}

interface Ctx {
  readonly format: BankFormat;
  readonly file: string;
}

function fail(ctx: Ctx, line: number, field: string, message: string): never {
  throw new BankParseError(ctx.format, message, { file: ctx.file, line, field });
}

const TAG_RE = /^:(\d{2}[A-Z]?):(.*)$/;
const END_RE = /^-(\}|[A-Z]{0,4})\s*$/;

/** Lines → tags, dropping envelopes and pre-header lines outside statements. */
function tokenize(text: string): Tag[] {
  const tags: Tag[] = [];
  let current: Tag | null = null;
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    // SOH/ETX envelope bytes around a transmission.
    let raw = (lines[i] ?? '').replaceAll('\u0001', '').replaceAll('\u0003', '');
    const lineNo = i + 1;
    if (raw.startsWith('{')) {
      // SWIFT envelope blocks: the text block {4: may start on the same line as the headers.
      raw = raw.replace(/\{[1-3,5]:(?:\{[^}]*\}|[^{}])*\}/g, '').replace(/^\{4:/, '');
      if (raw.trim() === '') continue;
    }
    const m = TAG_RE.exec(raw);
    if (m?.[1] !== undefined) {
      current = { tag: m[1], line: lineNo, lines: [m[2] ?? ''] };
      tags.push(current);
      continue;
    }
    if (END_RE.test(raw.trim()) && raw.trim() !== '') {
      current = null;
      continue;
    }
    if (raw.trim() === '') continue;
    if (current) current.lines.push(raw);
    // Anything else outside a tag is a bank pre-header (e.g. "ABNANL2A", "940 00") and carries no data.
  }
  return tags;
}

function yymmdd(ctx: Ctx, s: string, line: number, field: string): string {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) fail(ctx, line, field, `'${s}' is not a YYMMDD date`);
  const yy = Number(m[1]);
  const year = yy < 80 ? 2000 + yy : 1900 + yy;
  return isoDate(ctx, year, Number(m[2]), Number(m[3]), line, field, s);
}

function isoDate(ctx: Ctx, year: number, month: number, day: number, line: number, field: string, raw: string): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || d.getUTCDate() !== day) fail(ctx, line, field, `'${raw}' is not a valid date`);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function amount(ctx: Ctx, s: string, line: number, field: string): string {
  if (!/^\d+,\d*$/.test(s)) fail(ctx, line, field, `'${s}' is not an MT940 amount (digits with a ',' decimal mark)`);
  const v = parseUnits(s);
  if (v === undefined) fail(ctx, line, field, `'${s}' has too many decimals or digits`);
  return formatUnits(v);
}

function parseBalance(ctx: Ctx, tag: Tag): Balance {
  const s = tag.lines.join('').trim();
  const m = /^([CD])(\d{6})([A-Z]{3})([\d,]+)$/.exec(s);
  if (!m?.[1] || !m[2] || !m[3] || !m[4]) {
    fail(ctx, tag.line, `:${tag.tag}:`, `'${s}' is not a balance (C|D, YYMMDD, currency, amount)`);
  }
  const amt = amount(ctx, m[4], tag.line, `:${tag.tag}:`);
  return {
    type: tag.tag,
    amount: m[1] === 'D' && amt !== '0.00' ? `-${amt}` : amt,
    currency: m[3],
    date: yymmdd(ctx, m[2], tag.line, `:${tag.tag}:`),
  };
}

const LINE61_RE = /^(\d{6})(\d{4})?(RC|RD|EC|ED|C|D)([A-Z])?(\d[\d,]*)([NFS][A-Z0-9]{3})(.*)$/;

interface Info {
  typeSuffix: string | null;
  payerName: string | null;
  payerAccount: string | null;
  endToEndId: string | null;
  creditorReference: string | null;
  remittance: string[];
  returnReason: string | null;
  returned: boolean;
}

const SEPA_KEYS_RE = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT)\+/g;
// German GVC codes for returned items: 109 direct debit returned (Rücklastschrift), 159 credit transfer returned (Retoure).
const RETURN_GVC = new Set(['109', '159']);

function nonEmpty(s: string | undefined | null): string | null {
  const t = s?.trim();
  return t ? t : null;
}

/** `GVC?00text?20…?32name` sub-field style (German banks, DFÜ-Abkommen). */
function parseQuestionMarkInfo(content: string): Info {
  const gvc = content.slice(0, 3);
  const fields = new Map<string, string>();
  const re = /\?(\d{2})/g;
  const marks: { code: string; start: number; end: number }[] = [];
  for (let m = re.exec(content); m; m = re.exec(content)) marks.push({ code: m[1] ?? '', start: m.index, end: re.lastIndex });
  marks.forEach((mk, i) => {
    const value = content.slice(mk.end, marks[i + 1]?.start ?? content.length);
    fields.set(mk.code, (fields.get(mk.code) ?? '') + value);
  });
  const purposeParts: string[] = [];
  for (const code of ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63']) {
    const v = fields.get(code);
    if (v !== undefined) purposeParts.push(v);
  }
  const joined = purposeParts.join('');
  const sepa = new Map<string, string>();
  const keyMarks: { key: string; start: number; end: number }[] = [];
  SEPA_KEYS_RE.lastIndex = 0;
  for (let m = SEPA_KEYS_RE.exec(joined); m; m = SEPA_KEYS_RE.exec(joined)) {
    keyMarks.push({ key: m[1] ?? '', start: m.index, end: SEPA_KEYS_RE.lastIndex });
  }
  keyMarks.forEach((k, i) => sepa.set(k.key, joined.slice(k.end, keyMarks[i + 1]?.start ?? joined.length).trim()));
  // Purpose text is one string cut into 27-character sub-fields (words are split across them), so the
  // parts are joined without a separator; with SEPA keys the SVWZ+ part is the remittance proper.
  const remittance = [nonEmpty(sepa.get('SVWZ')) ?? joined.trim()].filter((s) => s !== '');
  const eref = nonEmpty(sepa.get('EREF'));
  const name = nonEmpty(((fields.get('32') ?? '') + (fields.get('33') ?? '')).trimEnd());
  const returned = RETURN_GVC.has(gvc);
  return {
    typeSuffix: /^\d{3}$/.test(gvc) ? gvc : null,
    payerName: name,
    payerAccount: nonEmpty(fields.get('31')),
    endToEndId: eref && eref !== 'NOTPROVIDED' ? eref : null,
    creditorReference: findCreditorReference(joined),
    remittance,
    returnReason: returned ? (nonEmpty(fields.get('34')) ?? 'unspecified') : null,
    returned,
  };
}

const SLASH_KEYS =
  'EREF|KREF|MREF|CRED|REMI|NAME|IBAN|BIC|BENM|ORDP|CNTP|TRTP|MARF|CSID|ISDT|RTRN|ADDR|PURP|SVCL|ULTC|ULTD|ULTB|ULTE|BUSP|ACCW|PREF|RTYP|CHGS|OCMT|EXCH';
const SLASH_RE = new RegExp(`/(${SLASH_KEYS})/`, 'g');

/** `/EREF/…/BENM//NAME/…/REMI/…` style (Dutch banks, SWIFT structured :86:). */
function parseSlashInfo(content: string): Info | null {
  const marks: { key: string; start: number; end: number }[] = [];
  SLASH_RE.lastIndex = 0;
  for (let m = SLASH_RE.exec(content); m; m = SLASH_RE.exec(content)) {
    marks.push({ key: m[1] ?? '', start: m.index, end: SLASH_RE.lastIndex });
    SLASH_RE.lastIndex = m.index + m[0].length - 1; // the closing slash may open the next key
  }
  if (marks.length === 0 || marks[0]?.start !== 0) return null;
  const values = new Map<string, string>();
  marks.forEach((k, i) => {
    if (!values.has(k.key)) values.set(k.key, content.slice(k.end, marks[i + 1]?.start ?? content.length).replace(/\/$/, ''));
  });
  let name = nonEmpty(values.get('NAME'));
  let account = nonEmpty(values.get('IBAN'));
  const cntp = values.get('CNTP');
  if (cntp !== undefined) {
    const [iban, , cname] = cntp.split('/');
    account = account ?? nonEmpty(iban);
    name = name ?? nonEmpty(cname);
  }
  let remi = values.get('REMI') ?? '';
  let creditorReference: string | null = null;
  const strd = /^STRD\/CUR\/(.*)$/.exec(remi);
  if (strd) {
    creditorReference = nonEmpty(strd[1]);
    remi = strd[1] ?? '';
  }
  remi = remi.replace(/^USTD\/\//, '');
  const rtrn = nonEmpty(values.get('RTRN'));
  const eref = nonEmpty(values.get('EREF'));
  return {
    typeSuffix: null,
    payerName: name,
    payerAccount: account,
    endToEndId: eref && eref !== 'NOTPROVIDED' ? eref : null,
    creditorReference: creditorReference ?? findCreditorReference(remi),
    remittance: nonEmpty(remi) ? [remi.trim()] : [],
    returnReason: rtrn,
    returned: rtrn !== null,
  };
}

function parseInfo(lines: readonly string[]): Info {
  const first = (lines[0] ?? '').trimStart();
  if (/^\d{3}\?/.test(first)) return parseQuestionMarkInfo([first, ...lines.slice(1)].join(''));
  if (first.startsWith('/')) {
    const structured = parseSlashInfo([first, ...lines.slice(1)].map((l) => l.trimEnd()).join(''));
    if (structured) return structured;
  }
  const remittance = lines.map((l) => l.replace(/\t/g, ' ').trim()).filter((l) => l !== '');
  return {
    typeSuffix: null,
    payerName: null,
    payerAccount: null,
    endToEndId: null,
    creditorReference: findCreditorReference(remittance.join(' ')),
    remittance,
    returnReason: null,
    returned: false,
  };
}

const ACCOUNT_LIKE_RE = /^(?:[A-Z]{2}\d{2}[A-Z0-9]{10,30}|P?\d{7,12})$/;

function parseLine61(ctx: Ctx, tag: Tag, info: Tag | null, index: number, currency: string | null): BankEntry {
  const first = (tag.lines[0] ?? '').trim();
  const m = LINE61_RE.exec(first);
  if (!m?.[1] || !m[3] || !m[5] || !m[6]) {
    fail(ctx, tag.line, ':61:', `'${first}' is not a statement line (YYMMDD[MMDD]C|D|RC|RD amount type reference)`);
  }
  const valueDate = yymmdd(ctx, m[1], tag.line, ':61: value date');
  let bookingDate = valueDate;
  if (m[2]) {
    // The entry date has no year: take the value date's, moved across a year end when they straddle it.
    const vy = Number(valueDate.slice(0, 4));
    const vm = Number(valueDate.slice(5, 7));
    const em = Number(m[2].slice(0, 2));
    const year = vm === 12 && em === 1 ? vy + 1 : vm === 1 && em === 12 ? vy - 1 : vy;
    bookingDate = isoDate(ctx, year, em, Number(m[2].slice(2, 4)), tag.line, ':61: entry date', m[2]);
  }
  const mark = m[3];
  // RC = reversal of a credit (a debit), RD = reversal of a debit (a credit); E* = expected (MT942).
  const direction: Direction = mark === 'C' || mark === 'EC' || mark === 'RD' ? 'credit' : 'debit';
  const reversal = mark === 'RC' || mark === 'RD';
  const amt = amount(ctx, m[5], tag.line, ':61: amount');
  const rest = m[7] ?? '';
  const sep = rest.indexOf('//');
  const customerRef = nonEmpty(sep >= 0 ? rest.slice(0, sep) : rest);
  const bankRef = sep >= 0 ? nonEmpty(rest.slice(sep + 2)) : null;
  const supplementary = tag.lines
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const parsed = info ? parseInfo(info.lines) : null;
  const ownRef = customerRef && customerRef !== 'NONREF' ? customerRef : null;
  const supplementaryAccount = supplementary.find((s) => ACCOUNT_LIKE_RE.test(s)) ?? null;
  return {
    index,
    line: tag.line,
    element: null,
    direction,
    amount: amt,
    currency,
    bookingDate,
    valueDate,
    payerName: parsed?.payerName ?? null,
    payerAccount: parsed?.payerAccount ?? supplementaryAccount,
    bankReference: bankRef ?? parsed?.endToEndId ?? ownRef,
    endToEndId: parsed?.endToEndId ?? null,
    entryReference: customerRef,
    creditorReference: parsed?.creditorReference ?? null,
    remittance: parsed?.remittance ?? [],
    reversal,
    returnReason: parsed?.returnReason ?? null,
    returned: parsed?.returned ?? false,
    typeCode: parsed?.typeSuffix ? `${m[6]}/${parsed.typeSuffix}` : m[6],
    status: mark.startsWith('E') ? 'PDNG' : null,
    transactions: [],
  };
}

const IBAN_RE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

function buildStatement(ctx: Ctx, tags: Tag[]): BankStatement {
  const start = tags[0];
  if (!start) fail(ctx, 1, ':20:', 'empty statement');
  const get = (...names: string[]) => tags.find((t) => names.includes(t.tag));
  const acctTag = get('25');
  if (!acctTag) fail(ctx, start.line, ':25:', 'statement has no account (:25:)');
  const accountId = acctTag.lines.join('').trim();
  if (accountId === '') fail(ctx, acctTag.line, ':25:', 'account (:25:) is empty');
  const balances: Balance[] = [];
  for (const t of tags) if (['60F', '60M', '62F', '62M', '64', '65'].includes(t.tag)) balances.push(parseBalance(ctx, t));
  const opening = balances.find((b) => b.type.startsWith('60')) ?? null;
  const closing = balances.find((b) => b.type.startsWith('62')) ?? null;
  if (ctx.format === 'mt940' && (!opening || !closing)) {
    fail(ctx, start.line, opening ? ':62F:' : ':60F:', `statement ${start.lines.join('').trim()} has no ${opening ? 'closing (:62F:/:62M:)' : 'opening (:60F:/:60M:)'} balance`);
  }
  const floor = get('34F');
  const currency = opening?.currency ?? closing?.currency ?? (floor ? (/^([A-Z]{3})/.exec(floor.lines.join('').trim())?.[1] ?? null) : null);
  const entries: BankEntry[] = [];
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i];
    if (t?.tag !== '61') continue;
    const next = tags[i + 1];
    entries.push(parseLine61(ctx, t, next?.tag === '86' ? next : null, entries.length + 1, currency));
  }
  const stmtNo = get('28C', '28');
  return {
    id: nonEmpty(start.lines.join('')),
    sequence: stmtNo ? nonEmpty(stmtNo.lines.join('')) : null,
    accountId,
    iban: IBAN_RE.test(accountId) ? accountId : null,
    bic: null,
    currency,
    opening,
    closing,
    closingAvailable: balances.find((b) => b.type === '64') ?? null,
    balances,
    fromDate: opening?.date ?? null,
    toDate: closing?.date ?? null,
    entries,
    line: start.line,
    element: null,
  };
}

export function looksLikeMt942(text: string): boolean {
  return /^:(34F|13D|13):/m.test(text) && !/^:60[FM]:/m.test(text);
}

export function parseMt940(bytes: Uint8Array, file: string): BankFile {
  const { text } = decodeLenient(bytes);
  const format: BankFormat = looksLikeMt942(text) ? 'mt942' : 'mt940';
  const ctx: Ctx = { format, file };
  const tags = tokenize(text);
  const groups: Tag[][] = [];
  for (const t of tags) {
    if (t.tag === '20') groups.push([t]);
    else {
      const g = groups[groups.length - 1];
      if (!g) fail(ctx, t.line, `:${t.tag}:`, `tag :${t.tag}: appears before the first :20: (transaction reference)`);
      g.push(t);
    }
  }
  if (groups.length === 0) fail(ctx, 1, ':20:', 'no statement found (no :20: tag)');
  const warnings: string[] = [];
  const statements = groups.map((g) => buildStatement(ctx, g));
  for (const s of statements) {
    if (s.opening?.date && s.closing?.date && s.closing.date < s.opening.date) {
      warnings.push(`statement ${s.id ?? '?'} (line ${s.line}): closing balance date ${s.closing.date} is before the opening date ${s.opening.date}`);
    }
  }
  return { format, version: null, messageId: null, statements, warnings };
}
