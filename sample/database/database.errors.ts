import { ServiceUnavailableError } from '../../lib';

/**
 * 503 + `Retry-After: 1`, code `DATABASE_BUSY`: another connection (this app's other instance, a
 * migration, a backup) held the database for longer than the retry budget. Nothing was written.
 */
export class DatabaseBusy extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('The database is busy. Please retry shortly.', 1, { cause });
  }
}

/** The database cannot be used at start-up; the message is one line that says what to do. */
export class DatabaseUnusable extends Error {
  constructor(path: string, cause: unknown) {
    super(unusableMessage(path, cause), { cause });
    this.name = 'DatabaseUnusable';
  }
}

function unusableMessage(path: string, cause: unknown): string {
  const code = String((cause as { code?: unknown })?.code ?? '');
  const reason = cause instanceof Error ? cause.message : String(cause);
  const elsewhere = 'or point DATABASE_PATH at a file this process may write';
  if (code.startsWith('SQLITE_READONLY')) {
    return `The database "${path}" is read-only (${reason}). Give this process write access to the file and its directory, ${elsewhere}.`;
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `The database "${path}" is locked by another process (${reason}). Stop the process holding it, ${elsewhere}.`;
  }
  if (code.startsWith('SQLITE_CANTOPEN') || /directory does not exist/.test(reason)) {
    return `The database "${path}" cannot be opened for writing (${reason}). Check that its directory exists and this process may write there, ${elsewhere}.`;
  }
  return `The database "${path}" cannot be used (${reason}). Check the file, ${elsewhere}.`;
}
