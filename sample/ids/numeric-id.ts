/**
 * The integer id a path segment names: plain decimal digits without a leading zero, from 1 to
 * `Number.MAX_SAFE_INTEGER`. Anything else (`abc`, `0`, `-1`, `1e3`, ` 7`, `9007199254740993`)
 * names no row: a 404, not a 400 (the path is the name). Past 2^53 a number is rounded to a
 * neighbour, so such an id would read, write or create another row than the one it names.
 *
 * @example
 * parseId('42'); // 42
 * parseId('9007199254740993'); // undefined
 */
export function parseId(id: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(id)) return undefined;
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : undefined;
}
