/**
 * Coded errors: every failure a user can cause carries a stable code and, where it applies,
 * the file/line/field it is about, so the CLI and the API can say exactly what to fix.
 */
export type ErrorCode =
  | 'CONFIG'
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INGEST_FILE'
  | 'PARSE'
  | 'NO_DATA'
  | 'DATABASE';

export interface ErrorLocation {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  readonly element?: string;
}

export class ArIntelError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, statusCode = 400) {
    super(message);
    this.name = 'ArIntelError';
    this.code = code;
    this.location = location;
    this.statusCode = statusCode;
  }

  /** "file.csv line 12, field amount: message" — the form people see in the CLI. */
  describe(): string {
    const { file, line, field, element } = this.location;
    const where = [
      file,
      line !== undefined ? `line ${line}` : undefined,
      element !== undefined ? `element ${element}` : undefined,
      field !== undefined ? `field ${field}` : undefined,
    ]
      .filter((p): p is string => p !== undefined)
      .join(', ');
    return where ? `${where}: ${this.message}` : this.message;
  }
}

export class ConfigError extends ArIntelError {
  constructor(message: string) {
    super('CONFIG', message, {}, 500);
    this.name = 'ConfigError';
  }
}

export class NotFoundError extends ArIntelError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`, {}, 404);
    this.name = 'NotFoundError';
  }
}

export class NoDataError extends ArIntelError {
  constructor(message: string) {
    super('NO_DATA', message, {}, 409);
    this.name = 'NoDataError';
  }
}

/** A file that cannot be read at all (structure, encoding, control totals): nothing from it loads. */
export class FileError extends ArIntelError {
  constructor(message: string, location: ErrorLocation) {
    super('INGEST_FILE', message, location, 422);
    this.name = 'FileError';
  }
}
