import { SLAB_BYTES, SLAB_CHARS, utf8Slice } from '../../lib/conditional/utf8-slab';

describe('utf8Slice', () => {
  const ascii = (length: number, fill = 'a') => fill.repeat(length);

  // The first test of this file: the module is fresh, so the first slice opens a new slab.
  it('gives each text its own slice of a shared slab, and never writes a slice again', () => {
    // Three ASCII texts that leave exactly 10,000 bytes of the first slab free (each a multiple of 8).
    const fills = [171_432, 171_432, SLAB_BYTES - 10_000 - 2 * 171_432].map((n, i) =>
      ascii(n, 'abc'[i]),
    );
    const first = fills.map((text) => utf8Slice(text)!);
    first.forEach((slice, i) => expect(slice.toString('utf8')).toBe(fills[i]));
    expect(new Set(first.map((slice) => slice.buffer)).size).toBe(1);

    // 5,000 three-byte characters fit the free count but not the free bytes: a new slab, all of it.
    const cjk = '漢'.repeat(5000);
    const next = utf8Slice(cjk)!;
    expect(next.equals(Buffer.from(cjk, 'utf8'))).toBe(true);
    expect(next.buffer).not.toBe(first[0].buffer);

    const more = ['😀'.repeat(40_000), ascii(100_000, 'z'), 'é'.repeat(80_000), '{"x":1}'];
    const later = more.map((text) => utf8Slice(text)!);
    later.forEach((slice, i) => expect(slice.equals(Buffer.from(more[i], 'utf8'))).toBe(true));
    first.forEach((slice, i) => expect(slice.toString('utf8')).toBe(fills[i]));
    expect(next.equals(Buffer.from(cjk, 'utf8'))).toBe(true);
  });

  it('takes the longest text a slab can hold in any UTF-8, and no longer', () => {
    const longest = '漢'.repeat(SLAB_CHARS);
    expect(utf8Slice(longest)!.equals(Buffer.from(longest, 'utf8'))).toBe(true);
    expect(utf8Slice(longest + 'a')).toBeUndefined();
  });
});
