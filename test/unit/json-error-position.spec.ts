import fc from 'fast-check';
import { jsonErrorPosition } from '../../lib/errors/json-error-position';

/** V8's position, where its message gives one. */
function v8Position(text: string): number | undefined {
  try {
    JSON.parse(text);
    return -1;
  } catch (error) {
    const match = /at position (\d+)/.exec((error as Error).message);
    return match ? Number(match[1]) : undefined;
  }
}

describe('jsonErrorPosition', () => {
  it.each([
    ['{ "name": "Ada", "email": }', 26],
    ['{"a":1', 6],
    ['{a:1}', 1],
    ['[1,2,]', 5],
    ['{"a":1}x', 7],
    ['', 0],
    ['nul', 3],
    ['01', 1],
    ['{"a":1,}', 7],
  ])('finds the error in %j at %i', (text, position) => {
    expect(jsonErrorPosition(text)).toBe(position);
  });

  it('handles 100 000 levels of nesting without overflowing', () => {
    expect(jsonErrorPosition('['.repeat(100_000))).toBe(100_000);
    expect(jsonErrorPosition('['.repeat(50_000) + ']'.repeat(50_000))).toBe(-1);
  });

  it('agrees with JSON.parse on validity, and with V8 on the position where V8 gives one (1000 runs)', () => {
    const candidates = fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .json()
        .chain((json) =>
          fc
            .tuple(fc.nat(json.length), fc.string({ maxLength: 2 }))
            .map(([at, junk]) => json.slice(0, at) + junk + json.slice(at)),
        ),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        const ours = jsonErrorPosition(text);
        const v8 = v8Position(text);
        expect(ours === -1).toBe(v8 === -1);
        if (v8 !== undefined && v8 >= 0) expect(ours).toBe(v8);
      }),
      { numRuns: 1000 },
    );
  });
});
