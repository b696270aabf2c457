/**
 * One model for every bank format: a file holds statements (one account, one period), a statement
 * holds entries (one booking on the account), an entry may itemise transactions (camt TxDtls of a batch).
 * Amounts are exact decimal strings ("1234.50"); entry amounts are positive with a direction,
 * balances are signed. Dates are ISO 'YYYY-MM-DD'.
 */
export type BankFormat = 'camt.052' | 'camt.053' | 'camt.054' | 'bai2' | 'mt940' | 'mt942' | 'ofx' | 'nacha';

export type Direction = 'credit' | 'debit';

export interface Balance {
  /** Format's own code: camt OPBD/PRCD/CLBD/CLAV/ITBD…, MT940 60F/60M/62F/62M/64, BAI2 010/015/040/045, OFX LEDGERBAL/AVAILBAL. */
  readonly type: string;
  /** Signed decimal (negative = debit balance). */
  readonly amount: string;
  readonly currency: string | null;
  readonly date: string | null;
}

/** One itemised part of an entry (camt TxDtls). Fields the bank left out are null. */
export interface BankTransaction {
  readonly amount: string | null;
  readonly currency: string | null;
  readonly direction: Direction | null;
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  readonly payerBic: string | null;
  /** Both related parties as the bank named them (payer/payee above is whichever is the counterparty). */
  readonly debtorName: string | null;
  readonly debtorAccount: string | null;
  readonly creditorName: string | null;
  readonly creditorAccount: string | null;
  /** AcctSvcrRef of the transaction. */
  readonly accountServicerReference: string | null;
  readonly endToEndId: string | null;
  readonly instructionId: string | null;
  readonly transactionId: string | null;
  readonly paymentInformationId: string | null;
  readonly mandateId: string | null;
  readonly uetr: string | null;
  /** Structured creditor references (RF/ISR/QR or proprietary), in file order. */
  readonly creditorReferences: readonly string[];
  readonly remittance: readonly string[];
  readonly additionalRemittance: readonly string[];
  readonly returnReason: string | null;
  readonly typeCode: string | null;
  readonly additionalInfo: string | null;
}

export interface BankEntry {
  /** 1-based position in its statement. */
  readonly index: number;
  /** Source line (text formats) where the entry starts; null for XML. */
  readonly line: number | null;
  /** Element path (XML formats), e.g. "Stmt[1]/Ntry[3]"; null for text formats. */
  readonly element: string | null;
  readonly direction: Direction;
  /** Positive exact decimal. */
  readonly amount: string;
  readonly currency: string | null;
  readonly bookingDate: string | null;
  readonly valueDate: string | null;
  /** Counterparty: the payer for credits, the payee for debits. */
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  /** AcctSvcrRef, else EndToEndId, else the format's own reference (MT940 bank ref, BAI2 bank ref, FITID, trace). */
  readonly bankReference: string | null;
  readonly endToEndId: string | null;
  /** Format's own entry reference (NtryRef, MT940 customer ref, BAI2 customer ref, OFX FITID, ACH trace). */
  readonly entryReference: string | null;
  /** First structured creditor reference (RF/ISR/QR) of the entry, if any. */
  readonly creditorReference: string | null;
  readonly remittance: readonly string[];
  /** RvslInd (camt), RC/RD (MT940), correction DELETE (OFX). */
  readonly reversal: boolean;
  /** Return reason (camt RtrInf, ACH R-code, BAI2 return type) when the entry is a returned item. */
  readonly returnReason: string | null;
  /** True when the entry is a returned item (return reason known or a return type code). */
  readonly returned: boolean;
  /** camt BkTxCd (Domn/Fmly/SubFmly or proprietary), MT940 transaction type, BAI2 type code, OFX TRNTYPE, ACH code. */
  readonly typeCode: string | null;
  /** camt Sts (BOOK, PDNG, INFO); null where the format has no status (treated as booked). */
  readonly status: string | null;
  readonly transactions: readonly BankTransaction[];
}

export interface BankStatement {
  /** Statement / report / notification id (camt Id, MT940 :20:, BAI2 group+account, OFX/ACH batch). */
  readonly id: string | null;
  readonly sequence: string | null;
  readonly accountId: string;
  readonly iban: string | null;
  readonly bic: string | null;
  readonly currency: string | null;
  readonly opening: Balance | null;
  readonly closing: Balance | null;
  readonly closingAvailable: Balance | null;
  readonly balances: readonly Balance[];
  readonly fromDate: string | null;
  readonly toDate: string | null;
  readonly entries: readonly BankEntry[];
  /** Line or element where the statement starts. */
  readonly line: number | null;
  readonly element: string | null;
}

export interface BankFile {
  readonly format: BankFormat;
  /** e.g. "camt.053.001.04", "OFX 102", "BAI2 2". */
  readonly version: string | null;
  readonly messageId: string | null;
  readonly statements: readonly BankStatement[];
  /** Things a person should know that do not make the file unreadable (empty currency tags, lenient trailers). */
  readonly warnings: readonly string[];
}
