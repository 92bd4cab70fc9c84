import type { EtagHash } from '../options/limits.options';
import * as crypto from 'node:crypto';
import { crc32 } from 'node:zlib';
import { isPlainData, isStreamLike } from '../platform/body-kinds';
import type { EntityTag } from './entity-tags';
import { crc32OfUtf8, SLICE_MIN_CHARS, utf8Slice } from '../platform/utf8-slab';

export type { EtagHash };

/** What a handler's result is sent as, and its hashed tag. */
export interface HashedBody {
  tag: EntityTag;
  /** The JSON to send in place of the result (so it is serialized once), when we serialized it. */
  json?: string;
  /** That JSON's UTF-8 bytes, hashed and to be sent as they are (asked for, 64 KB and more). */
  bytes?: Buffer;
}

/**
 * The strong tag of a body. `'crc32'` (default): CRC-32 of the UTF-8 bytes and the length (of
 * the JSON text in characters, or of a Buffer in bytes), `"<length>-<crc>"` in decimal (V8 writes
 * a number in decimal ~10× faster than in base 36 or 16: ~15 ns against ~160 ns a tag, measured).
 * zlib's CRC-32 runs at ~7 GB/s where SHA-1 runs at ~2 GB/s, which is the difference between a
 * 100 KB GET costing 14 us or 50 us more than sending it untagged.
 * A tag only has to change when the body does: two different bodies of the same length share a
 * tag with odds of 1 in 2^32 (Next.js tags with a 52-bit FNV and the length the same way).
 * A `node:crypto` name hashes with it instead, in one call (`crypto.hash`, no Hash object).
 */
export function hashTag(data: string | Buffer, algorithm: EtagHash = 'crc32'): EntityTag {
  if (algorithm === 'crc32') {
    return { weak: false, opaque: data.length + '-' + crc32OfText(data) };
  }
  return { weak: false, opaque: crypto.hash(algorithm, data, 'base64url') };
}

/** The tag `hashTag(text)` gives, from the UTF-8 bytes of `text` (`length`: its characters). */
function hashBytes(length: number, utf8: Buffer, algorithm: EtagHash): EntityTag {
  if (algorithm === 'crc32') return { weak: false, opaque: length + '-' + crc32(utf8) };
  return { weak: false, opaque: crypto.hash(algorithm, utf8, 'base64url') };
}

/**
 * zlib's CRC-32 of the UTF-8 bytes of `data`. Given a string over 1 KB, zlib would allocate a
 * buffer as large for the UTF-8 bytes and free it again, per response (measured: ~4 µs of the ~19
 * µs a 100 KB body costs); such a string is encoded into the slab the bytes sent are taken from,
 * and handed back at once (synchronous: nothing else can take slab space in between).
 */
function crc32OfText(data: string | Buffer): number {
  const viaSlab =
    typeof data === 'string' && data.length > 1024 ? crc32OfUtf8(data, crc32) : undefined;
  return viaSlab ?? crc32(data);
}

/**
 * Throws at start-up for an algorithm that cannot hash here: unknown to `node:crypto`, refused by
 * the build (MD5 under FIPS), or with no default length (`shake256`). Tried once, not looked up.
 */
export function checkEtagHash(algorithm: EtagHash): void {
  if (algorithm === 'crc32') return;
  try {
    crypto.hash(algorithm, '', 'base64url');
  } catch {
    throw new Error(
      `StatusModule: conditional.hash '${algorithm}' is neither 'crc32' nor a node:crypto hash that works here.`,
    );
  }
}

/**
 * Hashes a handler's result as it will be sent, or returns `undefined` for what we do not tag
 * (streams, web `Response`s, numbers...). Plain objects and arrays are serialized here and that
 * string is sent; strings and Buffers are hashed as they are; other objects (class instances)
 * are hashed from `JSON.stringify` but still sent as objects, so an outer serializer
 * (`ClassSerializerInterceptor`) keeps its say.
 * With `bytes`, JSON of `SLICE_MIN_CHARS` and more is encoded once into a slab slice
 * (`utf8-slab.ts`) that is both hashed and returned to be sent; its tag is the one the text
 * would have.
 */
export function hashBody(
  result: unknown,
  algorithm: EtagHash = 'crc32',
  bytes = false,
): HashedBody | undefined {
  if (typeof result === 'string' || Buffer.isBuffer(result)) {
    return { tag: hashTag(result, algorithm) };
  }
  if (typeof result !== 'object' || result === null) return undefined;
  const plain = isPlainData(result);
  if (!plain && isStreamLike(result)) return undefined;
  const json = JSON.stringify(result);
  if (json === undefined) return undefined;
  if (bytes && plain && json.length >= SLICE_MIN_CHARS) {
    const utf8 = utf8Slice(json);
    if (utf8 !== undefined)
      return { tag: hashBytes(json.length, utf8, algorithm), json, bytes: utf8 };
  }
  const tag = hashTag(json, algorithm);
  return plain ? { tag, json } : { tag };
}
