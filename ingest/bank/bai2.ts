/**
 * BAI2 cash management balance reporting: 01 file header, 02 group header, 03 account identifier with
 * summaries and balances, 16 transaction detail, 88 continuation, 49/98/99 trailers with control totals.
 * Real files bend the layout: records run together on one line after a '/', records end at the newline
 * without a '/', a detail's text may contain '/' and ',' and may wrap onto a line with no record code.
 */
import { formatUnits, unitsFromMinor, type Units } from './decimal.ts';
import { BankParseError } from './errors.ts';
import type { Balance, BankEntry, BankFile, BankStatement, Direction } from './model.ts';
import { findCreditorReference } from './references.ts';
import { decodeLenient, splitLines } from './text.ts';

const FORMAT = 'bai2';
const CODES = new Set(['01', '02', '03', '16', '88', '49', '98', '99']);
const RUN_TOGETHER_RE = /\/\s*(?=(?:01|02|03|16|49|88|98|99),)/g;

interface RawRecord {
  readonly code: string;
  /** Content after "NN," without the record-ending '/'. */
  body: string;
  readonly line: number;
}

function fail(file: string, line: number, field: string, message: string): never {
  throw new BankParseError(FORMAT, message, { file, line, field });
}

/** Physical lines → logical records (see module comment for the layouts handled). */
function tokenize(text: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    const startsRecord = /^\s*(\d{2}),/.exec(line);
    if (!startsRecord || !CODES.has(startsRecord[1] ?? '')) {
      const prev = records[records.length - 1];
      if (!prev) fail(file, lineNo, 'record code', `line does not start with a BAI2 record code: '${line.slice(0, 20)}'`);
      // A record wrapped onto the next physical line; only detail/continuation text can wrap.
      const joined = `${prev.body.replace(/\/\s*$/, '')} ${line.trim()}`;
      prev.body = prev.code === '16' || prev.code === '88' ? joined.replace(/\/\s*$/, '') : joined.split('/')[0] ?? '';
      continue;
    }
    const pieces = splitRunTogether(line.trimStart());
    for (const piece of pieces) {
      const code = piece.slice(0, 2);
      let body = piece.slice(3);
      if (code === '16' || code === '88') body = body.replace(/\/\s*$/, '');
      else {
        const slash = body.indexOf('/');
        if (slash >= 0) body = body.slice(0, slash);
      }
      records.push({ code, body, line: lineNo });
    }
  }
  return records;
}

/**
 * Splits "…PPD/ 16,142,500,…" into records. Records without text end at their first '/'; detail and
 * continuation records only end at a '/' that is followed by another record code, so '/' inside text
 * (issue 113: "AB/GS/RP0001", "08/18/23") stays text.
 */
function splitRunTogether(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  for (;;) {
    const code = rest.slice(0, 2);
    if (code === '16' || code === '88') {
      RUN_TOGETHER_RE.lastIndex = 0;
      const m = RUN_TOGETHER_RE.exec(rest);
      if (!m) {
        out.push(rest);
        return out;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    } else {
      const slash = rest.indexOf('/');
      if (slash < 0) {
        out.push(rest);
        return out;
      }
      out.push(rest.slice(0, slash + 1));
      const after = rest.slice(slash + 1).trimStart();
      if (!/^\d{2},/.test(after)) return out;
      rest = after;
    }
  }
}

// ISO 4217 minor units that differ from 2; BAI2 amounts carry the currency's implied decimals.
const DECIMALS: Record<string, number> = {
  JPY: 0, KRW: 0, CLP: 0, ISK: 0, VND: 0, XAF: 0, XOF: 0, XPF: 0, UGX: 0, PYG: 0, RWF: 0, KMF: 0, GNF: 0, VUV: 0, DJF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

function minorToUnits(file: string, raw: string, currency: string, line: number, field: string): Units {
  const t = raw.trim();
  if (!/^[+-]?\d+$/.test(t)) fail(file, line, field, `'${raw}' is not a BAI2 amount (digits with implied decimals)`);
  return unitsFromMinor(BigInt(t), DECIMALS[currency] ?? 2);
}

function yymmdd(file: string, raw: string, line: number, field: string): string {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(raw.trim());
  if (!m) fail(file, line, field, `'${raw}' is not a YYMMDD date`);
  const yy = Number(m[1]);
  const year = yy < 70 ? 2000 + yy : 1900 + yy;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || d.getUTCDate() !== day) fail(file, line, field, `'${raw}' is not a valid date`);
  return `${year}-${m[2]}-${m[3]}`;
}

/** Number of fields a funds type occupies after the funds-type code itself. */
function fundsExtra(file: string, fields: readonly string[], at: number, line: number): number {
  const ft = (fields[at] ?? '').trim();
  if (ft === 'V') return 2;
  if (ft === 'S') return 3;
  if (ft === 'D') {
    const n = Number((fields[at + 1] ?? '').trim());
    if (!Number.isInteger(n) || n < 0) fail(file, line, 'funds type', `distributed availability count '${fields[at + 1] ?? ''}' is not a number`);
    return 1 + 2 * n;
  }
  if (['', '0', '1', '2', 'Z'].includes(ft)) return 0;
  return fail(file, line, 'funds type', `unknown funds type '${ft}'`);
}

// Credit-side type codes that are returns/reversals of our own outgoing items, and debit-side codes that
// take back a receipt (BAI2 type code list, "Debit/Credit Reversals", "Returned Items").
const REVERSAL_CODES = new Set([252, 258, 552, 558]);
const RETURN_CODES = new Set([255, 257, 261, 266, 268, 555, 557, 561, 566, 568]);

function directionOfType(code: number): Direction | null {
  if (code >= 100 && code <= 399) return 'credit';
  if (code >= 400 && code <= 699) return 'debit';
  return null;
}

interface Account {
  readonly line: number;
  readonly accountId: string;
  readonly currency: string;
  readonly balances: Balance[];
  readonly entries: BankEntry[];
  controlSum: bigint;
  records: number;
}

interface Tagged {
  readonly tags: Map<string, string>;
  readonly plain: string[];
}

/** GS-style tagged continuations ("EREF: 1111", "DBNM: TEST INC") next to plain text lines. */
function readContinuations(lines: readonly string[]): Tagged {
  const tags = new Map<string, string>();
  const plain: string[] = [];
  for (const l of lines) {
    const m = /^([A-Z]{4})\s*[:,]\s?(.*)$/.exec(l.trim());
    if (m?.[1] && !tags.has(m[1])) tags.set(m[1], (m[2] ?? '').trim());
    else if (l.trim() !== '') plain.push(l.trim());
  }
  return { tags, plain };
}

function nonEmpty(s: string | undefined | null): string | null {
  const t = s?.trim();
  return t ? t : null;
}

interface DetailDraft {
  readonly direction: Direction;
  readonly amount: string;
  readonly valueDate: string | null;
  readonly bankReference: string | null;
  readonly entryReference: string | null;
  readonly text: string;
  readonly cont: string[];
  readonly line: number;
  readonly code: number;
}

export interface Bai2Header {
  readonly sender: string;
  readonly receiver: string;
  readonly created: string;
  readonly fileId: string;
  readonly version: string;
}

export interface Bai2Parse {
  readonly file: BankFile;
  readonly header: Bai2Header;
  /** Differences between trailers and what the file holds; empty when every control total ties. */
  readonly controlErrors: readonly { line: number; field: string; message: string }[];
}

/**
 * Parses a BAI2 file. Structure errors (missing trailers, records out of order, bad amounts) throw;
 * trailer totals and counts that disagree with the content are returned in controlErrors so the caller
 * decides (the loader refuses such a file unless told to be lenient).
 */
export function parseBai2Detailed(bytes: Uint8Array, file: string): Bai2Parse {
  const { text } = decodeLenient(bytes);
  const records = tokenize(text, file);
  const controlErrors: { line: number; field: string; message: string }[] = [];
  const statements: BankStatement[] = [];
  const warnings: string[] = [];
  const first = records[0];
  if (!first || first.code !== '01') fail(file, first?.line ?? 1, '01', 'a BAI2 file must start with a 01 file header');
  const hf = first.body.split(',');
  const header: Bai2Header = {
    sender: (hf[0] ?? '').trim(),
    receiver: (hf[1] ?? '').trim(),
    created: yymmdd(file, hf[2] ?? '', first.line, '01 creation date'),
    fileId: (hf[4] ?? '').trim(),
    version: (hf[7] ?? '').trim(),
  };
  if (header.version !== '2') fail(file, first.line, '01 version', `version '${header.version}' is not BAI2 (2)`);

  let fileSum = 0n;
  let fileRecords = 1;
  let groups = 0;
  let group: { line: number; currency: string; asOf: string; sum: bigint; accounts: number; records: number } | null = null;
  let account: Account | null = null;
  let lastDetail: { entry: DetailDraft } | null = null;
  let accountFields: string[] | null = null;
  let ended = false;

  const flushDetail = () => {
    if (!lastDetail || !account) return;
    const d = lastDetail.entry;
    const { tags, plain } = readContinuations(d.cont);
    const credit = d.direction === 'credit';
    const remittanceLines = [d.text, ...plain].filter((t) => t !== '');
    const remi = nonEmpty(tags.get('REMI'));
    const allText = [...remittanceLines, ...d.cont].join(' ');
    const isReturn = RETURN_CODES.has(d.code);
    const reason = isReturn ? (/\b(R\d{2})\b/.exec(allText)?.[1] ?? null) : null;
    const bankRef = nonEmpty(d.bankReference);
    const custRef = nonEmpty(d.entryReference);
    account.entries.push({
      index: account.entries.length + 1,
      line: d.line,
      element: null,
      direction: d.direction,
      amount: d.amount,
      currency: account.currency,
      bookingDate: group?.asOf ?? null,
      valueDate: d.valueDate,
      payerName: nonEmpty(tags.get(credit ? 'DBNM' : 'CRNM')),
      payerAccount: nonEmpty(tags.get(credit ? 'DACT' : 'CACT')),
      bankReference: bankRef ?? nonEmpty(tags.get('EREF')) ?? custRef,
      endToEndId: nonEmpty(tags.get('EREF')),
      entryReference: custRef,
      creditorReference: findCreditorReference(allText),
      remittance: remi ? [remi, ...remittanceLines] : remittanceLines,
      reversal: REVERSAL_CODES.has(d.code),
      returnReason: reason,
      returned: isReturn,
      typeCode: String(d.code).padStart(3, '0'),
      status: null,
      transactions: [],
    });
    lastDetail = null;
  };

  const flushAccountFields = () => {
    if (!accountFields || !account) return;
    const f = accountFields;
    let i = 2;
    while (i < f.length) {
      const type = (f[i] ?? '').trim();
      if (type === '' && (f[i + 1] ?? '').trim() === '') {
        // An empty summary slot ("03,acct,USD,,,,,060,…"): type, amount, count and funds all blank.
        i += 4;
        continue;
      }
      if (!/^\d{3}$/.test(type)) fail(file, account.line, '03 type code', `'${type}' is not a 3-digit type code`);
      const rawAmount = (f[i + 1] ?? '').trim();
      if (rawAmount !== '') {
        const amt = minorToUnits(file, rawAmount, account.currency, account.line, `03 amount for type ${type}`);
        account.controlSum += amt;
        const code = Number(type);
        if (code < 100) {
          account.balances.push({ type, amount: formatUnits(amt), currency: account.currency, date: group?.asOf ?? null });
        }
      }
      i += 4 + fundsExtra(file, f, i + 3, account.line);
    }
    accountFields = null;
  };

  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (!rec) continue;
    if (ended) fail(file, rec.line, rec.code, `record ${rec.code} after the 99 file trailer`);
    const f = rec.body.split(',');
    if (rec.code !== '88') {
      flushDetail();
      flushAccountFields();
    }
    switch (rec.code) {
      case '01':
        fail(file, rec.line, '01', 'second 01 file header');
        break;
      case '02': {
        if (group) fail(file, rec.line, '02', 'group header inside a group (98 group trailer missing)');
        const currency = nonEmpty(f[5]) ?? 'USD';
        group = { line: rec.line, currency, asOf: yymmdd(file, f[3] ?? '', rec.line, '02 as-of date'), sum: 0n, accounts: 0, records: 1 };
        fileRecords++;
        break;
      }
      case '03': {
        if (!group) fail(file, rec.line, '03', 'account record outside a group (02 group header missing)');
        if (account) fail(file, rec.line, '03', 'account record inside an account (49 account trailer missing)');
        const id = nonEmpty(f[0]);
        if (!id) fail(file, rec.line, '03 account number', 'account number is empty');
        account = { line: rec.line, accountId: id, currency: nonEmpty(f[1]) ?? group.currency, balances: [], entries: [], controlSum: 0n, records: 1 };
        accountFields = f;
        break;
      }
      case '16': {
        if (!account) fail(file, rec.line, '16', 'transaction detail outside an account');
        account.records++;
        const body = rec.body;
        // Fields up to the text are comma-free; the text is everything after them.
        const parts = body.split(',');
        const type = (parts[0] ?? '').trim();
        if (!/^\d{3}$/.test(type)) fail(file, rec.line, '16 type code', `'${type}' is not a 3-digit type code`);
        const code = Number(type);
        const amt = minorToUnits(file, parts[1] ?? '', account.currency, rec.line, '16 amount');
        account.controlSum += amt;
        const extra = fundsExtra(file, parts, 2, rec.line);
        const ft = (parts[2] ?? '').trim();
        const valueDate = ft === 'V' && nonEmpty(parts[3]) ? yymmdd(file, parts[3] ?? '', rec.line, '16 value date') : null;
        const refAt = 3 + extra;
        const textStart = parts.slice(0, refAt + 2).join(',').length + 1;
        let direction = directionOfType(code);
        if (direction === null) {
          warnings.push(`line ${rec.line}: type code ${type} is neither a credit nor a debit code; detail kept as ${amt < 0n ? 'debit' : 'credit'}`);
          direction = amt < 0n ? 'debit' : 'credit';
        } else if (amt < 0n) direction = direction === 'credit' ? 'debit' : 'credit';
        lastDetail = {
          entry: {
            direction,
            amount: formatUnits(amt < 0n ? -amt : amt),
            valueDate,
            bankReference: parts[refAt] ?? null,
            entryReference: parts[refAt + 1] ?? null,
            text: textStart <= body.length ? body.slice(textStart).trim() : '',
            cont: [],
            line: rec.line,
            code,
          },
        };
        break;
      }
      case '88': {
        if (lastDetail) {
          lastDetail.entry.cont.push(rec.body);
          if (account) account.records++;
        } else if (accountFields && account) {
          accountFields.push(...f);
          account.records++;
        } else if (account) account.records++;
        else if (group) group.records++;
        else fileRecords++;
        break;
      }
      case '49': {
        if (!account || !group) fail(file, rec.line, '49', 'account trailer without an account');
        account.records++;
        const total = minorToUnits(file, f[0] ?? '', account.currency, rec.line, '49 control total');
        const count = Number((f[1] ?? '').trim());
        if (total !== account.controlSum) {
          controlErrors.push({ line: rec.line, field: '49 account control total', message: `account ${account.accountId}: trailer says ${formatUnits(total)} but the amounts in the account sum to ${formatUnits(account.controlSum)}` });
        }
        if (count !== account.records) {
          controlErrors.push({ line: rec.line, field: '49 number of records', message: `account ${account.accountId}: trailer says ${f[1] ?? ''} records but the account has ${account.records}` });
        }
        group.sum += total;
        group.accounts++;
        group.records += account.records;
        const balances = account.balances;
        const find = (t: string) => balances.find((b) => b.type === t) ?? null;
        statements.push({
          id: `${group.asOf}/${account.accountId}`,
          sequence: null,
          accountId: account.accountId,
          iban: null,
          bic: null,
          currency: account.currency,
          opening: find('010'),
          closing: find('015'),
          closingAvailable: find('045'),
          balances,
          fromDate: group.asOf,
          toDate: group.asOf,
          entries: account.entries,
          line: account.line,
          element: null,
        });
        account = null;
        break;
      }
      case '98': {
        if (account) fail(file, rec.line, '98', `group trailer while account ${account.accountId} is open (49 account trailer missing)`);
        if (!group) fail(file, rec.line, '98', 'group trailer without a group');
        group.records++;
        const total = minorToUnits(file, f[0] ?? '', group.currency, rec.line, '98 control total');
        if (total !== group.sum) controlErrors.push({ line: rec.line, field: '98 group control total', message: `trailer says ${formatUnits(total)} but the account trailers sum to ${formatUnits(group.sum)}` });
        if (Number((f[1] ?? '').trim()) !== group.accounts) controlErrors.push({ line: rec.line, field: '98 number of accounts', message: `trailer says ${f[1] ?? ''} accounts but the group has ${group.accounts}` });
        if (Number((f[2] ?? '').trim()) !== group.records) controlErrors.push({ line: rec.line, field: '98 number of records', message: `trailer says ${f[2] ?? ''} records but the group has ${group.records}` });
        fileSum += total;
        fileRecords += group.records - 1;
        groups++;
        group = null;
        break;
      }
      case '99': {
        if (account || group) fail(file, rec.line, '99', `file trailer while a ${account ? 'account (49)' : 'group (98)'} trailer is missing`);
        fileRecords++;
        const total = minorToUnits(file, f[0] ?? '', 'USD', rec.line, '99 control total');
        if (total !== fileSum) controlErrors.push({ line: rec.line, field: '99 file control total', message: `trailer says ${formatUnits(total)} but the group trailers sum to ${formatUnits(fileSum)}` });
        if (Number((f[1] ?? '').trim()) !== groups) controlErrors.push({ line: rec.line, field: '99 number of groups', message: `trailer says ${f[1] ?? ''} groups but the file has ${groups}` });
        if (Number((f[2] ?? '').trim()) !== fileRecords) controlErrors.push({ line: rec.line, field: '99 number of records', message: `trailer says ${f[2] ?? ''} records but the file has ${fileRecords}` });
        ended = true;
        break;
      }
      default:
        fail(file, rec.line, 'record code', `unknown record code ${rec.code}`);
    }
  }
  flushDetail();
  const lastLine = records[records.length - 1]?.line ?? 1;
  if (!ended) fail(file, lastLine, '99', `the file ends without a 99 file trailer${account ? ' (and without the 49 trailer of the last account)' : group ? ' (and without the 98 group trailer)' : ''}; it may be truncated`);
  return {
    file: { format: 'bai2', version: `BAI2 ${header.version}`, messageId: header.fileId || null, statements, warnings },
    header,
    controlErrors,
  };
}
