import { ValidationFailedError } from '../errors/domain-errors';

/** Longest cursor accepted; a real one is a few dozen characters. */
export const MAX_CURSOR_LENGTH = 512;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Makes an opaque cursor from a position in a list (typically the sort key of the last item of a
 * page): base64url of its JSON. Opaque means clients must not build or edit cursors; it is not a
 * signature, so decode with a type guard (see `decodeCursor`).
 *
 * @example
 * encodeCursor({ id: 40 }) // 'eyJpZCI6NDB9'
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position a cursor holds, or `undefined` when it is not one `encodeCursor` could make. */
export function readCursor(cursor: string): { position: unknown } | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return undefined;
  try {
    return { position: JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) };
  } catch {
    return undefined;
  }
}

/**
 * The position a cursor of the query holds, `undefined` when there is none (the first page).
 * A cursor that does not decode, or whose position fails `isPosition`, is the client's mistake:
 * 422 naming `cursor`, never a 500 from the query that would have used it.
 *
 * @example
 * const after = decodeCursor(query.cursor, (p): p is { id: number } => Number.isSafeInteger((p as any)?.id));
 * const rows = db.prepare('SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?').all(after?.id ?? 0, query.limit + 1);
 */
export function decodeCursor<T = unknown>(
  cursor: string | undefined,
  isPosition?: (position: unknown) => position is T,
): T | undefined {
  if (cursor === undefined) return undefined;
  const read = readCursor(cursor);
  if (read === undefined || (isPosition !== undefined && !isPosition(read.position))) {
    throw invalidCursor('cursor');
  }
  return read.position as T;
}

/** The 422 for a cursor this API did not issue. */
export function invalidCursor(field: string): ValidationFailedError {
  return new ValidationFailedError([{ field, code: 'INVALID_CURSOR', message: INVALID_CURSOR }]);
}

/** What a client reads when its cursor is refused. */
export const INVALID_CURSOR =
  'cursor is not one this API issued. Follow the Link rel="next" (or nextCursor) of the previous page, or omit cursor to start from the first page.';
