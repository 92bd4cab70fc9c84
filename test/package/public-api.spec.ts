import { join } from 'node:path';
import * as ts from 'typescript';
import * as root from '../../lib';

/** The entry points of the package, as the `exports` map names them. */
const ENTRIES: Record<string, string> = {
  'nestjs-status': 'lib/index.ts',
  'nestjs-status/jobs': 'lib/jobs/index.ts',
  'nestjs-status/pagination': 'lib/pagination/index.ts',
  'nestjs-status/rate-limit': 'lib/rate-limit/index.ts',
  'nestjs-status/redis': 'lib/redis/index.ts',
  'nestjs-status/testing': 'lib/testing/index.ts',
};
const REPO = join(__dirname, '..', '..');

describe('the public API', () => {
  it('keeps the root to about 35 values', () => {
    expect(Object.keys(root).length).toBeLessThanOrEqual(40);
  });

  it('keeps what the decorators bind, raw tokens and codecs off the root', () => {
    for (const internal of [
      'StatusInterceptor',
      'ConditionalInterceptor',
      'PaginationInterceptor',
      'StatusAuthGuard',
      'STATUS_MODULE_OPTIONS',
      'encodeCursor',
      'decodeCursor',
      'DEFAULT_PAGE_LIMITS',
      'reasonPhrase',
      'RedisThrottlerStorage',
    ]) {
      expect({ internal, exported: internal in root }).toEqual({ internal, exported: false });
    }
  });

  it('documents every export of every entry point', () => {
    const files = Object.values(ENTRIES).map((file) => join(REPO, file));
    const program = ts.createProgram(files, {
      experimentalDecorators: true,
      strict: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const undocumented: string[] = [];
    for (const [entry, file] of Object.entries(ENTRIES)) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(join(REPO, file))!)!;
      for (const symbol of checker.getExportsOfModule(module)) {
        const target =
          symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (!ts.displayPartsToString(target.getDocumentationComment(checker)).trim()) {
          undocumented.push(`${entry}: ${symbol.name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});
