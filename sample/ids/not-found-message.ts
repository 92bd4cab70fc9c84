import { parseId } from './numeric-id';

/** How a kind of resource is named: integer row ids, or tokens such as report and job ids. */
export type IdKind = 'integer' | 'token';

const TOKEN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The message of a 404 for the resource `id` names: `User 42 was not found.` when the id is one
 * the API could have issued (an integer `parseId` takes; a token of 1 to 64 `A-Z a-z 0-9 _ -`),
 * else `The user was not found.`. Whatever else a client puts in the path (control characters,
 * thousands of characters, markup) is never echoed back.
 *
 * @example
 * notFoundMessage('user', '42'); // 'User 42 was not found.'
 * notFoundMessage('user', '\u0000'); // 'The user was not found.'
 */
export function notFoundMessage(
  noun: string,
  id: string | number,
  kind: IdKind = 'integer',
): string {
  const text = String(id);
  const plain = kind === 'integer' ? parseId(text) !== undefined : TOKEN_ID.test(text);
  return plain
    ? `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${text} was not found.`
    : `The ${noun} was not found.`;
}
