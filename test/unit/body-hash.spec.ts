import { crc32 } from 'node:zlib';
import { hashBody, hashTag } from '../../lib/conditional/body-hash';
import { SLAB_CHARS, SLICE_MIN_CHARS, utf8Slice } from '../../lib/platform/utf8-slab';

/** The default tag, from the UTF-8 bytes as Buffer.from makes them. */
const expected = (text: string) => `${text.length}-${crc32(Buffer.from(text, 'utf8'))}`;

describe('hashTag (CRC-32)', () => {
  const cases: [string, string][] = [
    ['a short ASCII body', '{"id":42,"name":"Ada"}'],
    ['just over 1 KB of ASCII', 'a'.repeat(1025)],
    ['Latin-1 and CJK', 'é漢'.repeat(5000)],
    ['surrogate pairs (4 UTF-8 bytes each)', '😀'.repeat(40_000)],
    ['lone surrogates', `{"x":"${'\ud800'.repeat(3000)}"}`],
    ['128 K characters, all 3-byte', '漢'.repeat(128 * 1024)],
    ['one character more', '漢'.repeat(128 * 1024 + 1)],
    ['the largest string a slab takes, all 3-byte', '漢'.repeat(SLAB_CHARS)],
    ['one character more than a slab takes', '漢'.repeat(SLAB_CHARS + 1)],
  ];

  it.each(cases)('tags %s by the CRC-32 of its UTF-8 bytes', (_name, text) => {
    expect(hashTag(text).opaque).toBe(expected(text));
  });

  it('hands the slab space it encoded into back at once', () => {
    const before = utf8Slice('a'.repeat(3000))!;
    expect(hashTag('b'.repeat(5000)).opaque).toBe(expected('b'.repeat(5000)));
    const after = utf8Slice('c'.repeat(10))!;
    // Where the hashed bytes began: after `before`, or at the start of a slab opened for them.
    const start = after.buffer === before.buffer ? before.byteOffset + 3000 : 0;
    expect(after.byteOffset).toBe(start);
    expect(before.toString()).toBe('a'.repeat(3000));
  });

  it('gives the same tag again after a longer body was encoded for its CRC-32', () => {
    const long = 'x'.repeat(100_000);
    const shorter = '{"y":' + '1'.repeat(2000) + '}';
    expect(hashTag(long).opaque).toBe(expected(long));
    expect(hashTag(shorter).opaque).toBe(expected(shorter));
    expect(hashTag(long).opaque).toBe(expected(long));
  });

  it('tags a Buffer by its bytes and byte length', () => {
    const bytes = Buffer.from('héllo'.repeat(500));
    expect(hashTag(bytes).opaque).toBe(`${bytes.length}-${crc32(bytes)}`);
  });
});

describe('hashBody with bytes (the UTF-8 sent as it is)', () => {
  const bodies: [string, unknown][] = [
    ['ASCII of the shortest length sent as bytes', { text: 'a'.repeat(SLICE_MIN_CHARS - 11) }],
    ['mixed UTF-8', { text: 'é漢😀x'.repeat(20_000) }],
    ['an array', Array.from({ length: 5000 }, (_, i) => ({ i, name: 'Łódź' }))],
  ];

  it.each(bodies)('gives %s the tag the text has, with the bytes of that text', (_name, body) => {
    const text = hashBody(body)!;
    const bytes = hashBody(body, 'crc32', true)!;
    expect(bytes.tag).toEqual(text.tag);
    expect(bytes.json).toBe(text.json);
    expect(bytes.json!.length).toBeGreaterThanOrEqual(SLICE_MIN_CHARS);
    expect(bytes.bytes!.equals(Buffer.from(text.json!, 'utf8'))).toBe(true);
    expect(hashBody(body, 'sha256', true)!.tag).toEqual(hashBody(body, 'sha256')!.tag);
  });

  it('leaves shorter bodies, and class instances, as text', () => {
    expect(hashBody({ text: 'short' }, 'crc32', true)!.bytes).toBeUndefined();
    const justShort = hashBody({ text: 'a'.repeat(SLICE_MIN_CHARS - 12) }, 'crc32', true)!;
    expect(justShort.json).toHaveLength(SLICE_MIN_CHARS - 1);
    expect(justShort.bytes).toBeUndefined();
    class Note {
      text = 'n'.repeat(SLICE_MIN_CHARS);
    }
    const hashed = hashBody(new Note(), 'crc32', true)!;
    expect(hashed.bytes).toBeUndefined();
    expect(hashed.json).toBeUndefined();
  });
});
