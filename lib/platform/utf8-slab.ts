/**
 * The UTF-8 bytes of a serialized body, written once into a shared slab and then both hashed and
 * sent, the way Node pools small Buffers:
 * - each body gets a slice of its own, and no byte of a slice is ever written again: a new slab is
 *   taken when the current one is full, and the old one is freed by the GC once no slice of it is
 *   referenced (a slice someone keeps keeps its slab, at most `SLAB_BYTES`, as with Node's pool);
 * - so a body is encoded once, where a string is encoded for the hash and then again: by Express
 *   into a Buffer of its own (`res.send`), or by Node on the socket after Fastify measured it with
 *   `Buffer.byteLength` (~14 µs on 100 KB);
 * - one slab serves several bodies: a buffer per body would be allocated and freed by malloc per
 *   response, which on glibc gives its pages back and faults them in again (measured: ~45 µs more
 *   system time per 100 KB response, where a 512 KB slab adds ~5 µs).
 */
export const SLAB_BYTES = 512 * 1024;

/**
 * The shortest body sent as a slice (64 K characters, 64 KB at least). A slice keeps its whole slab
 * alive while anything holds it, and a response its client does not read is held until the
 * socket closes: from this size on, such a response keeps at most 8× its own bytes alive. Shorter
 * bodies go out as text, where the second encoding costs less anyway (it is proportional).
 */
export const SLICE_MIN_CHARS = SLAB_BYTES / 8;

/** The longest text a slab takes (3 UTF-8 bytes per UTF-16 code unit at most); longer: `undefined`. */
export const SLAB_CHARS = Math.floor(SLAB_BYTES / 3);

let slab: Buffer | undefined;
let offset = 0;
/** The last slice taken, while it may still be handed back, and where it starts. */
let last: Buffer | undefined;
let lastStart = 0;

/** The UTF-8 bytes of `text` in a slice no other body shares, or `undefined` past `SLAB_CHARS`. */
export function utf8Slice(text: string): Buffer | undefined {
  if (text.length > SLAB_CHARS) return undefined;
  // Every code unit takes at least one byte. A write that stops short of a character leaves fewer
  // than 4 bytes free (no character takes more), so 4 left over means it wrote all of `text`.
  if (slab !== undefined && slab.length - offset >= text.length) {
    const written = slab.write(text, offset, 'utf8');
    if (slab.length - offset - written >= 4) return take(slab, written);
  }
  slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  offset = 0;
  return take(slab, slab.write(text, 0, 'utf8'));
}

/**
 * The CRC-32 of a long text's UTF-8 bytes, encoded into the slab and the slice handed back at
 * once (no allocation per call); `undefined` when the text does not fit.
 */
export function crc32OfUtf8(text: string, crc: (bytes: Buffer) => number): number | undefined {
  const bytes = utf8Slice(text);
  if (bytes === undefined) return undefined;
  const value = crc(bytes);
  release(bytes);
  return value;
}

/**
 * Hands back the slice just taken, when it is not sent after all (a 304, a 412, a body sent as
 * text, bytes encoded only for their CRC-32) and nothing else holds it: the next body is written
 * over it, so a client revalidating a large body does not use up slabs. Any other slice is left
 * alone. The reply hook is the only other caller: whatever it does not send, it releases.
 */
export function release(slice: Buffer | undefined): void {
  if (slice !== undefined && slice === last) {
    offset = lastStart;
    last = undefined;
  }
}

function take(from: Buffer, length: number): Buffer {
  lastStart = offset;
  const slice = (last = from.subarray(offset, offset + length));
  // The next slice starts 8-aligned, as in Node's pool.
  offset = (offset + length + 7) & ~7;
  return slice;
}
