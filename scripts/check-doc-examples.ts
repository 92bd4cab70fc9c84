import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { exampleDocs, Fence, fences, REPO } from './markdown';

/**
 * `npm run check:docs:examples`: every ```ts / ```typescript block of README.md and docs/**\/*.md
 * is written to a temporary directory as a module of its own and type-checked as a user's code
 * is: strict, decorators with metadata, `nestjs-status` and its subpaths mapped to this
 * repository's `lib/` (what the package exports, nothing else), the repository's node_modules for
 * @nestjs/*, class-validator and the rest. Errors point at the markdown line.
 *
 * Rules a block follows (see docs/CONTRIBUTING-docs.md):
 * - A block stands alone: it imports what it uses. Blocks of one page named by
 *   `<!-- file: src/x.ts -->` on the line before the fence are written at that path, so they can
 *   import each other (`./users.controller`).
 * - A block that truly cannot stand alone (a controller's methods) says so in its info string,
 *   ```ts prelude=<name>, and is checked inside `docs/examples/preludes/<name>.ts` at its
 *   `// @fragment` line; its leading `import` lines go above the prelude.
 * - ```ts expect-error: a block showing code that must not compile; it fails if it compiles.
 * - The `.ts` files under `docs/examples/` (preludes aside) are checked as they are.
 *
 * Markdown files given as arguments are checked instead of the docs. `--keep` leaves the temporary
 * directory (and its tsconfig.json, for `tsc -p`) in place.
 */

const PRELUDES = join(REPO, 'docs', 'examples', 'preludes');
const FRAGMENT = /^\s*\/\/ @fragment\s*$/;
const TS_LANGS = new Set(['ts', 'typescript']);

/** One error of the report. */
export interface Problem {
  file: string;
  line: number;
  column?: number;
  text: string;
}

/** Where a line of a generated module comes from. */
interface Origin {
  file: string;
  line: number;
}

/** One generated module: its text, and the origin of each of its lines. */
interface Example {
  /** Path inside the temporary directory. */
  path: string;
  text: string;
  origins: (Origin | undefined)[];
  /** The block, for the report. */
  doc: string;
  fence?: Fence;
  expectError: boolean;
}

/** `README.md` → `README`, `docs/openapi.md` → `docs/openapi`: one directory per page. */
const pageDir = (doc: string) => doc.replace(/\.md$/, '');

/** Leading `import ...;` statements of a fragment (possibly over several lines). */
function splitImports(lines: string[]): { imports: number } {
  let end = 0;
  let inImport = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!inImport && line === '') continue;
    if (!inImport && !line.startsWith('import ')) break;
    inImport = !/;\s*$|from\s+['"][^'"]+['"]\s*$/.test(line) && !/^import\s+['"]/.test(line);
    end = i + 1;
  }
  return { imports: end };
}

function fromFence(doc: string, fence: Fence, used: Set<string>): Example | { error: string } {
  const flag = (name: string) => fence.flags.find((f) => f === name || f.startsWith(`${name}=`));
  const at = (i: number): Origin => ({ file: doc, line: fence.line + 1 + i });
  const text: string[] = [];
  const origins: (Origin | undefined)[] = [];
  const push = (line: string, origin?: Origin) => {
    text.push(line);
    origins.push(origin);
  };
  const prelude = flag('prelude')?.split('=')[1];
  if (prelude) {
    const preludePath = join(PRELUDES, `${prelude}.ts`);
    if (!existsSync(preludePath)) {
      return {
        error: `prelude "${prelude}" does not exist (docs/examples/preludes/${prelude}.ts)`,
      };
    }
    const preludeLines = readFileSync(preludePath, 'utf8').split('\n');
    const slot = preludeLines.findIndex((line) => FRAGMENT.test(line));
    if (slot < 0) return { error: `prelude "${prelude}" has no "// @fragment" line` };
    const { imports } = splitImports(fence.lines);
    const preludeFile = relative(REPO, preludePath);
    fence.lines.slice(0, imports).forEach((line, i) => push(line, at(i)));
    preludeLines
      .slice(0, slot)
      .forEach((line, i) => push(line, { file: preludeFile, line: i + 1 }));
    fence.lines.slice(imports).forEach((line, i) => push(line, at(imports + i)));
    preludeLines
      .slice(slot + 1)
      .forEach((line, i) => push(line, { file: preludeFile, line: slot + 2 + i }));
  } else {
    fence.lines.forEach((line, i) => push(line, at(i)));
  }
  // A block without import or export is still a module of its own: its names collide with none.
  if (!text.some((line) => /^\s*(import|export)\b/.test(line))) push('export {};');
  let name = fence.file ?? `block-L${fence.line}.ts`;
  if (!/\.tsx?$/.test(name)) name += '.ts';
  // A page may show one file twice (before and after): the second one gets a directory of its own.
  const path = used.has(name) ? join(`L${fence.line}`, name) : name;
  used.add(name);
  return {
    path: join(pageDir(doc), path),
    text: text.join('\n') + '\n',
    origins,
    doc,
    fence,
    expectError: flag('expect-error') !== undefined,
  };
}

/** `nestjs-status` and each subpath of package.json's `exports`, mapped to its `lib/` source. */
function packagePaths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    exports: Record<string, { types?: string } | string>;
  };
  const paths: Record<string, string[]> = {};
  for (const [key, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'string' ? target : target.types;
    if (!types?.endsWith('.d.ts')) continue;
    const source = types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts');
    paths[key === '.' ? 'nestjs-status' : `nestjs-status/${key.slice(2)}`] = [join(REPO, source)];
  }
  return paths;
}

/** The standalone examples kept as files under docs/examples/ (preludes aside). */
function exampleFiles(): Example[] {
  const root = join(REPO, 'docs', 'examples');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => /\.tsx?$/.test(file) && !file.startsWith('preludes'))
    .map((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      const doc = relative(REPO, join(root, file));
      return {
        path: join('docs-examples', file),
        text,
        origins: text.split('\n').map((_, i) => ({ file: doc, line: i + 1 })),
        doc,
        expectError: false,
      };
    });
}

/** What a check found. */
export interface ExamplesReport {
  /** Code blocks checked, and files under docs/examples/. */
  blocks: number;
  files: number;
  /** `page:line` of each failing block (or the failing file), in order. */
  failing: string[];
  problems: Problem[];
  /** The temporary directory, when kept. */
  kept?: string;
}

/**
 * Checks the ts blocks of `docs` (paths relative to the repository), and the files under
 * docs/examples/ when `withFiles`.
 */
export function checkExamples(docs: string[], withFiles: boolean, keep = false): ExamplesReport {
  const work = mkdtempSync(join(tmpdir(), 'nestjs-status-doc-examples-'));
  // The examples resolve @nestjs/* and the rest as an app beside this repository's install would.
  symlinkSync(join(REPO, 'node_modules'), join(work, 'node_modules'), 'dir');

  const examples: Example[] = [];
  const problems: Problem[] = [];
  const badFences: string[] = [];
  let blocks = 0;
  for (const doc of docs) {
    const used = new Set<string>();
    for (const fence of fences(readFileSync(join(REPO, doc), 'utf8'))) {
      if (!TS_LANGS.has(fence.lang)) continue;
      blocks++;
      const example = fromFence(doc, fence, used);
      if ('error' in example) {
        problems.push({ file: doc, line: fence.line, text: example.error });
        badFences.push(`${doc}:${fence.line}`);
      } else examples.push(example);
    }
  }
  if (withFiles) examples.push(...exampleFiles());
  for (const example of examples) {
    mkdirSync(dirname(join(work, example.path)), { recursive: true });
    writeFileSync(join(work, example.path), example.text);
  }
  const config = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'commonjs',
      moduleResolution: 'node10',
      ignoreDeprecations: '6.0',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      paths: packagePaths(),
    },
    include: ['**/*.ts'],
    exclude: ['node_modules'],
  };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const parsed = ts.getParsedCommandLineOfConfigFile(join(work, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const byPath = new Map(examples.map((e) => [join(work, e.path), e]));
  const failing = new Set<Example>();
  const errorsOf = new Map<Example, number>();
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    const example = diagnostic.file && byPath.get(diagnostic.file.fileName);
    if (!diagnostic.file || !example) {
      // An error in the library itself or in the setup: not an example's fault, still a failure.
      const where = diagnostic.file ? relative(work, diagnostic.file.fileName) : 'tsconfig';
      problems.push({ file: where, line: 0, text: `error TS${diagnostic.code}: ${message}` });
      continue;
    }
    errorsOf.set(example, (errorsOf.get(example) ?? 0) + 1);
    if (example.expectError) continue;
    failing.add(example);
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start!);
    const origin = example.origins[line] ?? { file: example.doc, line: example.fence?.line ?? 1 };
    problems.push({
      ...origin,
      column: character + 1,
      text: `error TS${diagnostic.code}: ${message}`,
    });
  }
  for (const example of examples) {
    if (example.expectError && !errorsOf.has(example)) {
      failing.add(example);
      problems.push({
        file: example.doc,
        line: example.fence!.line,
        text: 'marked expect-error, but it compiles',
      });
    }
  }
  const files = examples.filter((example) => !example.fence).length;
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const blocksFailing = [
    ...badFences,
    ...[...failing].map((e) => (e.fence ? `${e.doc}:${e.fence.line}` : e.doc)),
  ].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (!keep) rmSync(work, { recursive: true, force: true });
  return { blocks, files, failing: blocksFailing, problems, kept: keep ? work : undefined };
}

function main(): void {
  const args = process.argv.slice(2);
  const given = args.filter((arg) => !arg.startsWith('--')).map((arg) => relative(REPO, arg));
  const docs = given.length > 0 ? given : exampleDocs();
  const report = checkExamples(docs, given.length === 0, args.includes('--keep'));
  for (const p of report.problems) {
    const where = p.line ? `${p.file}:${p.line}${p.column ? `:${p.column}` : ''}` : p.file;
    process.stdout.write(`${where} - ${p.text}\n`);
  }
  process.stdout.write(
    `check:docs:examples: ${report.blocks} blocks in ${docs.length} pages` +
      (report.files > 0 ? ` and ${report.files} files under docs/examples` : '') +
      `; ${report.failing.length} failing (${report.problems.length} errors)` +
      (report.failing.length > 0 ? `:\n  ${report.failing.join('\n  ')}` : '') +
      '\n',
  );
  if (report.kept) process.stdout.write(`check:docs:examples: kept ${report.kept}\n`);
  if (report.problems.length > 0) process.exitCode = 1;
}

if (require.main === module) main();
