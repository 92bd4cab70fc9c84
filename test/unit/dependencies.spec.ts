import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The house rules of `lib/`, read from the imports themselves (type-only ones and re-exports
 * included): a request is touched by the platform first, then the errors, then the features, and
 * `lib/`'s own files (the module, the options, the index) put them together.
 *
 *   platform/  below Nest: imports nothing else of lib/
 *   options/   the option types and their token: imports nothing else of lib/
 *   errors/    → platform, options
 *   features   → errors, platform, options (never another feature)
 *   lib/*.ts   → anything; imported by nothing in a folder
 *   <folder>/index.ts  a package entry point (`nestjs-status/jobs`...): like lib/*.ts
 *   openapi/   describes the app from above (reads every part's metadata): like lib/*.ts
 */
const LIB = resolve(__dirname, '../../lib');
const FOUNDATION = new Set(['platform', 'options']);
/** Folders that sit with lib/'s own files, above every part. */
const ABOVE = new Set(['openapi']);
const ALLOWED: Record<string, readonly string[]> = {
  platform: [],
  options: [],
  errors: ['platform', 'options'],
};
const FEATURE_MAY_IMPORT = ['errors', 'platform', 'options'];

interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative module a file imports, re-exports, requires or imports dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']*)'/g),
    ...text.matchAll(/(?:import|require)\(\s*'(\.[^']*)'\s*\)/g),
  ].map((match) => match[1]);
  return specifiers.map((specifier) => {
    const target = resolve(dirname(file), specifier);
    for (const candidate of [`${target}.ts`, join(target, 'index.ts')]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not this one
      }
    }
    throw new Error(`${relative(LIB, file)} imports ${specifier}, which is no file of lib/`);
  });
}

/** `auth` for lib/auth/x.ts, `.` for lib/x.ts and for an entry point (lib/jobs/index.ts). */
function folderOf(file: string): string {
  const path = relative(LIB, file);
  if (!path.includes('/') || path.endsWith('/index.ts')) return '.';
  const folder = path.split('/')[0];
  return ABOVE.has(folder) ? '.' : folder;
}

const files = sourceFiles(LIB);
const edges: Edge[] = files.flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const crossing = edges.filter((edge) => folderOf(edge.from) !== folderOf(edge.to));
const show = (edge: Edge) => `${relative(LIB, edge.from)} -> ${relative(LIB, edge.to)}`;

/** Whether a folder may import another, by the rules above. */
function allowed(from: string, to: string): boolean {
  if (from === '.') return true;
  if (to === '.') return false;
  const rule = ALLOWED[from] ?? FEATURE_MAY_IMPORT;
  return rule.includes(to);
}

describe('the dependencies of lib/', () => {
  it('finds the imports it checks (the reader itself works)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(crossing.length).toBeGreaterThan(50);
    expect(crossing.map(show)).toContain('status.module.ts -> platform/platform.installer.ts');
  });

  it('has the folders the rules name', () => {
    const folders = new Set(files.map(folderOf));
    for (const folder of [...FOUNDATION, 'errors']) expect(folders).toContain(folder);
  });

  it('keeps every import between folders to the rules (platform and options at the bottom, features never import each other)', () => {
    const broken = crossing.filter((edge) => !allowed(folderOf(edge.from), folderOf(edge.to)));
    expect(broken.map(show)).toEqual([]);
  });

  it('has no cycle of folders', () => {
    const next = new Map<string, Set<string>>();
    for (const edge of crossing) {
      const from = folderOf(edge.from);
      if (!next.has(from)) next.set(from, new Set());
      next.get(from)!.add(folderOf(edge.to));
    }
    expect(findCycle(next)).toBeUndefined();
  });

  it('has no cycle of files', () => {
    const next = new Map<string, Set<string>>();
    for (const edge of edges) {
      const from = relative(LIB, edge.from);
      if (!next.has(from)) next.set(from, new Set());
      next.get(from)!.add(relative(LIB, edge.to));
    }
    expect(findCycle(next)).toBeUndefined();
  });
});

/** A cycle of the graph as `a -> b -> a`, or `undefined`. */
function findCycle(next: Map<string, Set<string>>): string | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node].join(' -> ');
    if (done.has(node)) return undefined;
    path.push(node);
    for (const target of next.get(node) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of next.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
