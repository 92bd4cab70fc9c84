import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * What the docs checks and the newcomer test share: which markdown files the docs are made of,
 * and the fenced code blocks of a file with the line each starts on (so that a failure can point
 * at the markdown line, which a markdown library's tokens do not carry).
 */

/** The repository root (this file runs from `scripts/` under ts-jest and `dist/scripts/` built). */
export const REPO = [join(__dirname, '..'), join(__dirname, '..', '..')].find(
  (dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lib')),
)!;

/**
 * The file a block is, named by an HTML comment on the line right before its fence (readers do
 * not see it): `<!-- file: src/app.module.ts -->`.
 */
const FILE_COMMENT = /^\s*<!--\s*file:\s*(\S+)\s*-->\s*$/;

/** One fenced code block. */
export interface Fence {
  /** First word of the info string, lower-cased (`ts`, `bash`, `http`), or '' for none. */
  lang: string;
  /** The other words of the info string (`prelude=controller-members`, `expect-error`). */
  flags: string[];
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's lines, without the fences and without the fence's own indentation. */
  lines: string[];
  /** From `<!-- file: path -->` on the line right before the fence. */
  file?: string;
}

/**
 * The fenced blocks of a markdown text (``` or ~~~, at any indentation so that blocks in list
 * items count; CommonMark's closing rule: the same character, at least as long, nothing after).
 */
export function fences(markdown: string): Fence[] {
  const lines = markdown.split(/\r?\n/);
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, marker, info] = open;
    const [lang = '', ...flags] = info.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^\\s*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]); j++) {
      // Content lines lose up to the fence's indentation, as CommonMark strips it.
      const strip = Math.min(indent.length, /^\s*/.exec(lines[j])![0].length);
      body.push(lines[j].slice(strip));
    }
    const named = i > 0 ? FILE_COMMENT.exec(lines[i - 1]) : null;
    found.push({ lang: lang.toLowerCase(), flags, line: i + 1, lines: body, file: named?.[1] });
    i = j;
  }
  return found;
}

/** Markdown files under `dir` (relative to the repository), recursively, sorted. */
function markdownUnder(dir: string): string[] {
  const root = join(REPO, dir);
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.md'))
    .map((file) => relative(REPO, join(root, file)).split(sep).join('/'))
    .sort();
}

/** The docs whose code blocks are examples: README.md and docs/**\/*.md. */
export function exampleDocs(): string[] {
  return ['README.md', ...markdownUnder('docs')];
}

/** The docs whose links must stay in the repository. */
export function linkedDocs(): string[] {
  const top = ['README.md', 'CHANGELOG.md'].filter((file) => existsSync(join(REPO, file)));
  const bench = readdirSync(join(REPO, 'bench'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `bench/${file}`)
    .sort();
  return [...top, ...markdownUnder('docs'), ...bench];
}
