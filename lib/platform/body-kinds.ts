/** What a handler's result is, as far as sending it goes: data to serialize, or a stream. */

/** A plain object or an array: serialized here, never a stream. */
export function isPlainData(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Streams, async iterables, web `Response`s, `StreamableFile`s, promises: never serialized. */
export function isStreamLike(value: object): boolean {
  const candidate = value as Record<string | symbol, unknown>;
  return (
    typeof candidate.pipe === 'function' ||
    typeof candidate.getStream === 'function' ||
    typeof candidate.then === 'function' ||
    typeof candidate[Symbol.asyncIterator] === 'function' ||
    Object.prototype.toString.call(value) === '[object Response]' ||
    Object.prototype.toString.call(value) === '[object ReadableStream]'
  );
}
