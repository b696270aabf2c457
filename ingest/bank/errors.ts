/**
 * The one error a bank parser may throw. It is a FileError (the whole file is refused, nothing loads)
 * that also names the format, so the CLI can say "camt.053 file x.xml, element Stmt[1]/Ntry[3]/Amt: …".
 */
import { FileError, type ErrorLocation } from '../../core/errors.ts';

export class BankParseError extends FileError {
  readonly format: string;

  constructor(format: string, message: string, location: ErrorLocation) {
    super(`${format}: ${message}`, location);
    this.name = 'BankParseError';
    this.format = format;
  }
}

/** Raised when the bytes match no supported format (or a supported format in an unsupported version). */
export class UnsupportedBankFormatError extends BankParseError {
  constructor(format: string, message: string, location: ErrorLocation) {
    super(format, message, location);
    this.name = 'UnsupportedBankFormatError';
  }
}
