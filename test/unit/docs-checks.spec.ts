import { checkExamples } from '../../scripts/check-doc-examples';
import { checkLinks, githubSlug } from '../../scripts/check-doc-links';
import { fences } from '../../scripts/markdown';

/**
 * The docs checks on pages made to break them (test/unit/fixtures/docs-checks/): each kind of bad
 * link and of failing block is reported at its markdown line, and the good ones pass.
 */

const DIR = 'test/unit/fixtures/docs-checks';

describe('the fenced blocks of a page', () => {
  it('have their line, info string, indentation stripped and file comment', () => {
    const blocks = fences(
      [
        '<!-- file: src/a.ts -->',
        '```ts prelude=x',
        'a',
        '```',
        '',
        '1. item',
        '',
        '   ~~~~bash',
        '   b',
        '   ```',
        '   ~~~~',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { lang: 'ts', flags: ['prelude=x'], line: 2, lines: ['a'], file: 'src/a.ts' },
      { lang: 'bash', flags: [], line: 8, lines: ['b', '```'], file: undefined },
    ]);
  });
});

describe('check:docs:links', () => {
  it("makes GitHub's anchors", () => {
    expect(githubSlug('Options: `forRoot()` & friends')).toBe('options-forroot--friends');
    expect(githubSlug('Rate limiting (429) through @nestjs/throttler')).toBe(
      'rate-limiting-429-through-nestjsthrottler',
    );
  });

  it('reports each link that leaves the repository or names nothing in it, at its line', () => {
    const { problems } = checkLinks([`${DIR}/links.md`, `${DIR}/target.md`]);
    expect(problems.map((p) => `${p.line}: ${p.text}`)).toEqual([
      '7: missing.md: no file test/unit/fixtures/docs-checks/missing.md in the repository',
      `8: target.md#nope: no heading #nope in ${DIR}/target.md`,
      '9: https://example.org/page: leaves the repository (not in scripts/allowed-links.txt)',
      '9: https://example.net/x: leaves the repository (not in scripts/allowed-links.txt)',
      '11: ../../../../dist/lib/index.js: no file dist/lib/index.js in the repository',
      '12: http://html.example/: leaves the repository (not in scripts/allowed-links.txt)',
      `19: nowhere.md: no file ${DIR}/nowhere.md in the repository`,
    ]);
  });
});

describe('check:docs:examples', () => {
  it('compiles each block as a module, reports errors at the markdown line, and honours the flags', () => {
    const report = checkExamples([`${DIR}/examples.md`], false);
    expect(report.blocks).toBe(8);
    expect(report.problems.map((p) => `${p.line}: ${p.text}`)).toEqual([
      "42: error TS2322: Type 'string' is not assignable to type 'number'.",
      '49: marked expect-error, but it compiles',
      `54: error TS2305: Module '"nestjs-status"' has no exported member 'NotAnExport'.`,
      '57: prelude "no-such-prelude" does not exist (docs/examples/preludes/no-such-prelude.ts)',
    ]);
    expect(report.failing).toEqual([41, 49, 53, 57].map((line) => `${DIR}/examples.md:${line}`));
  }, 60_000);
});
