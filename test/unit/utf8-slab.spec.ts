type SlabModule = typeof import('../../lib/platform/utf8-slab');

/** A fresh copy of the module: its first slice opens a new slab. */
async function freshSlabs(): Promise<SlabModule> {
  let module: SlabModule | undefined;
  await jest.isolateModulesAsync(async () => {
    module = await import('../../lib/platform/utf8-slab');
  });
  return module!;
}

const ascii = (length: number, fill = 'a') => fill.repeat(length);
const utf8 = (text: string) => Buffer.from(text, 'utf8');

/**
 * A fresh module whose first slab has exactly `free` bytes left (a multiple of 8), filled by
 * ASCII slices; returns them with the module.
 */
async function slabWithFree(free: number): Promise<SlabModule & { fills: Buffer[] }> {
  const module = await freshSlabs();
  const fills: Buffer[] = [];
  for (let left = module.SLAB_BYTES - free; left > 0;) {
    const length = Math.min(left, module.SLAB_CHARS - (module.SLAB_CHARS % 8));
    fills.push(module.utf8Slice(ascii(length, 'abc'[fills.length % 3]))!);
    left -= length;
  }
  return { ...module, fills };
}

describe('utf8Slice', () => {
  it('gives each text its own slice of a shared slab, and never writes a slice again', async () => {
    const { utf8Slice, fills } = await slabWithFree(10_000);
    const texts = fills.map((slice) => slice.toString('utf8'));
    expect(new Set(fills.map((slice) => slice.buffer)).size).toBe(1);

    const more = ['漢'.repeat(5000), '😀'.repeat(40_000), ascii(100_000, 'z'), 'é'.repeat(80_000)];
    const later = more.map((text) => utf8Slice(text)!);
    later.forEach((slice, i) => expect(slice.equals(utf8(more[i]))).toBe(true));
    fills.forEach((slice, i) => expect(slice.toString('utf8')).toBe(texts[i]));
    expect(later[0].buffer).not.toBe(fills[0].buffer);
  });

  // 10,000 bytes free. A text that fits the free count but not the free bytes is written in part
  // (never half a character), leaving 0 to 3 bytes: it must go whole to a new slab.
  it.each([
    ['3-byte characters, 1 byte left', '漢'.repeat(5000)],
    ['4-byte characters after 1 ASCII, 3 bytes left', 'a' + '😀'.repeat(2600)],
    ['4-byte characters after 2 ASCII, 2 bytes left', 'aa' + '😀'.repeat(2600)],
    ['ASCII filling it exactly, 0 bytes left', ascii(10_000)],
  ])('writes a text that does not fit (%s) whole into a new slab', async (_case, text) => {
    const { utf8Slice, fills } = await slabWithFree(10_000);
    const slice = utf8Slice(text)!;
    expect(slice.equals(utf8(text))).toBe(true);
    expect(slice.buffer).not.toBe(fills[0].buffer);
    expect(slice.byteOffset).toBe(0);
  });

  it('keeps a text that fits with 4 bytes to spare in the same slab', async () => {
    const { utf8Slice, fills } = await slabWithFree(10_000);
    const text = 'a' + '😀'.repeat(2498) + 'abc'; // 1 + 9,992 + 3 = 9,996 bytes
    const slice = utf8Slice(text)!;
    expect(slice.equals(utf8(text))).toBe(true);
    expect(slice.buffer).toBe(fills[0].buffer);
  });

  it('takes the longest text a slab can hold in any UTF-8, and no longer', async () => {
    const { utf8Slice, SLAB_CHARS } = await freshSlabs();
    const longest = '漢'.repeat(SLAB_CHARS);
    expect(utf8Slice(longest)!.equals(utf8(longest))).toBe(true);
    expect(utf8Slice(longest + 'a')).toBeUndefined();
  });
});

describe('release', () => {
  it('lets the next text reuse the bytes of the slice just taken', async () => {
    const { utf8Slice, release } = await freshSlabs();
    const kept = utf8Slice(ascii(2000, 'k'))!;
    const unsent = utf8Slice(ascii(3000, 'u'))!;
    release(unsent);
    const next = utf8Slice(ascii(1000, 'n'))!;
    expect(next.buffer).toBe(unsent.buffer);
    expect(next.byteOffset).toBe(unsent.byteOffset);
    expect(kept.toString()).toBe(ascii(2000, 'k'));
  });

  it('leaves alone any slice but the last one taken, even one that started where it does', async () => {
    const { utf8Slice, release } = await freshSlabs();
    const first = utf8Slice(ascii(2000, 'f'))!;
    const second = utf8Slice(ascii(2000, 's'))!;
    release(first);
    const third = utf8Slice(ascii(2000, 't'))!;
    expect(third.byteOffset).toBeGreaterThanOrEqual(second.byteOffset + second.length);
    release(third);
    const fourth = utf8Slice(ascii(3000, 'x'))!;
    expect(fourth.byteOffset).toBe(third.byteOffset);
    release(third); // handed back already; the bytes are the fourth's now
    const fifth = utf8Slice(ascii(2000, 'y'))!;
    expect(fifth.byteOffset).toBeGreaterThanOrEqual(fourth.byteOffset + fourth.length);
    expect(fourth.toString()).toBe(ascii(3000, 'x'));
    expect(first.toString()).toBe(ascii(2000, 'f'));
    expect(second.toString()).toBe(ascii(2000, 's'));
  });
});
