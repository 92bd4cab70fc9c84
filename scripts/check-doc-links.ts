import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Lexer, marked, type Token, type Tokens } from 'marked';
import { fences, linkedDocs, REPO } from './markdown';

/**
 * `npm run check:docs:links`: no link of README.md, CHANGELOG.md, docs/**\/*.md or bench/*.md
 * leaves the repository. Every link and image (inline, reference, autolink, bare URL, and
 * `href`/`src` in HTML) must name a file or directory of the repository, and a `#anchor` a
 * heading of that page (GitHub's slugs) or an `id`/`name` in its HTML; a link with a scheme
 * (http, https, mailto, ...) is an error unless `scripts/allowed-links.txt` lists it. Code blocks
 * and code spans are not links. The markdown is read by `marked` (the GFM lexer: it knows
 * reference definitions, autolinks and bare URLs, which a hand-written pattern would miss).
 *
 * Run on the whole set, it also checks that every page under docs/ can be reached from README.md
 * by following links, and that the README keeps to 300 lines (issue 18's "Must show").
 *
 * Markdown files given as arguments are checked instead of the docs (their links only).
 */

const ALLOWED = join(REPO, 'scripts', 'allowed-links.txt');
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** One bad link. */
export interface Problem {
  file: string;
  line: number;
  text: string;
}

/** Link prefixes allowed to leave: one a line, `#` starts a comment. */
function allowList(): string[] {
  if (!existsSync(ALLOWED)) return [];
  return readFileSync(ALLOWED, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

/** Files a clone has: tracked, or new and not ignored (`dist/`, `node_modules/` are not). */
function repositoryFiles(): { files: Set<string>; dirs: Set<string> } {
  const out = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const files = new Set(out.split('\0').filter(Boolean));
  const dirs = new Set<string>(['']);
  for (const file of files) {
    for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) dirs.add(dir);
  }
  return { files, dirs };
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);

/** The text a heading renders to (what GitHub makes its anchor from). */
function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === 'image' || token.type === 'html') return '';
      if ('tokens' in token && token.tokens) return plainText(token.tokens);
      return 'text' in token ? unescape(token.text) : '';
    })
    .join('');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** A page's anchors: its headings' slugs (a repeated one gets -1, -2, ...) and HTML ids. */
function anchorsOf(tokens: Token[]): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  marked.walkTokens(tokens, (token) => {
    if (token.type === 'heading') {
      const base = githubSlug(plainText((token as Tokens.Heading).tokens));
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    if (token.type === 'html') {
      for (const match of token.raw.matchAll(/\b(?:id|name)\s*=\s*["']([^"']+)["']/gi)) {
        anchors.add(match[1]);
      }
    }
  });
  return anchors;
}

/** A page, lexed once: its tokens, its anchors, and its text with the code blocks blanked. */
interface Page {
  tokens: ReturnType<typeof Lexer.lex>;
  anchors: Set<string>;
  lines: string[];
}

const pages = new Map<string, Page>();

function page(file: string): Page {
  let found = pages.get(file);
  if (!found) {
    const source = readFileSync(join(REPO, file), 'utf8');
    const tokens = Lexer.lex(source, { gfm: true });
    const lines = source.split(/\r?\n/);
    // Blank the fenced blocks so that a link's text found inside one does not give its line.
    for (const fence of fences(source)) {
      for (let i = fence.line - 1; i <= fence.line + fence.lines.length; i++) lines[i] = '';
    }
    found = { tokens, anchors: anchorsOf(tokens), lines };
    pages.set(file, found);
  }
  return found;
}

/** A link's path (no scheme, no anchor) as a path from the repository's root. */
function resolvePath(from: string, pathPart: string): string {
  const decoded = decodeURIComponent(pathPart.replace(/\?.*$/, ''));
  const target = decoded.startsWith('/')
    ? posix.normalize(decoded.slice(1))
    : posix.join(posix.dirname(from), decoded);
  const trimmed = target.replace(/\/$/, '');
  return trimmed === '.' ? '' : trimmed;
}

/** The pages a page links to (markdown files of the repository). */
function linkedFrom(file: string): string[] {
  const { tokens } = page(file);
  const hrefs: string[] = Object.values(tokens.links).map((link) => link.href);
  marked.walkTokens(tokens, (token) => {
    if (token.type === 'link') hrefs.push((token as Tokens.Link).href);
  });
  return hrefs
    .filter((href) => !SCHEME.test(href) && !href.startsWith('#') && !href.startsWith('//'))
    .map((href) => resolvePath(file, href.replace(/#.*$/, '')))
    .filter((target) => target.endsWith('.md') && existsSync(join(REPO, target)));
}

/** The pages of `pages` that cannot be reached from README.md by following links. */
export function unreachable(pages: string[]): string[] {
  const reached = new Set(['README.md']);
  const queue = ['README.md'];
  while (queue.length > 0) {
    for (const next of linkedFrom(queue.shift()!)) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return pages.filter((file) => !reached.has(file));
}

/** The README is a landing page (issue 18): at most this many lines. */
export const README_MAX_LINES = 300;

/** Why a link does not resolve in the repository, or undefined when it does. */
function brokenBecause(
  from: string,
  href: string,
  repo: ReturnType<typeof repositoryFiles>,
  allowed: string[],
): string | undefined {
  if (href === '') return 'empty link';
  if (SCHEME.test(href) || href.startsWith('//')) {
    return allowed.some((prefix) => href.startsWith(prefix))
      ? undefined
      : 'leaves the repository (not in scripts/allowed-links.txt)';
  }
  const hash = href.indexOf('#');
  const pathPart = hash < 0 ? href : href.slice(0, hash);
  const anchor = hash < 0 ? undefined : decodeURIComponent(href.slice(hash + 1));
  let target = from;
  if (pathPart !== '') {
    target = resolvePath(from, pathPart);
    if (target.startsWith('..')) return 'points above the repository';
    if (!repo.files.has(target) && !repo.dirs.has(target)) {
      return `no file ${target || '.'} in the repository`;
    }
  }
  if (anchor === undefined) return undefined;
  if (target.endsWith('.md') && repo.files.has(target)) {
    return page(target).anchors.has(anchor) ? undefined : `no heading #${anchor} in ${target}`;
  }
  // Code files take GitHub's line anchors.
  return /^L\d+(-L\d+)?$/.test(anchor) && repo.files.has(target)
    ? undefined
    : `no anchor #${anchor} in ${target}`;
}

/** The 1-based line of `needle` at or after line `from` (outside code blocks), or 0. */
function lineOf(lines: string[], needle: string, from: number): number {
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  for (let i = 0; i < from && i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  return 0;
}

function checkFile(file: string, repo: ReturnType<typeof repositoryFiles>, allowed: string[]) {
  const problems: Problem[] = [];
  const { tokens, lines } = page(file);
  let cursor = 0;
  let links = 0;
  const seen = new Set<string>();
  const report = (href: string, needle: string) => {
    links++;
    seen.add(href);
    const line = lineOf(lines, needle, cursor) || lineOf(lines, href, 0);
    if (line > 0) cursor = line - 1;
    const why = brokenBecause(file, href, repo, allowed);
    if (why) problems.push({ file, line, text: `${href}: ${why}` });
  };
  marked.walkTokens(tokens, (token) => {
    if (token.type === 'link' || token.type === 'image') {
      report((token as Tokens.Link).href, token.raw.split('\n')[0]);
    } else if (token.type === 'html') {
      for (const match of token.raw.matchAll(/\b(?:href|src)\s*=\s*["']([^"']*)["']/gi)) {
        report(unescape(match[1]), match[0]);
      }
    }
  });
  // Reference definitions (`[name]: target`) are no tokens: the unused ones are checked too.
  for (const { href } of Object.values(tokens.links)) {
    if (seen.has(href)) continue;
    const line = lines.findIndex((text) => /^\s*\[[^\]]+\]:\s*/.test(text) && text.includes(href));
    const why = brokenBecause(file, href, repo, allowed);
    links++;
    if (why) problems.push({ file, line: line + 1, text: `${href}: ${why}` });
  }
  return { problems, links };
}

/** Checks the links of `files` (paths relative to the repository). */
export function checkLinks(files: string[]): { links: number; problems: Problem[] } {
  const repo = repositoryFiles();
  const allowed = allowList();
  const problems: Problem[] = [];
  let links = 0;
  for (const file of files) {
    if (!existsSync(join(REPO, file))) throw new Error(`${file} does not exist`);
    const checked = checkFile(file, repo, allowed);
    problems.push(...checked.problems);
    links += checked.links;
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { links, problems };
}

function main(): void {
  const given = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const files = given.length > 0 ? given.map((f) => posix.relative(REPO, f)) : linkedDocs();
  const { links, problems } = checkLinks(files);
  if (given.length === 0) {
    // The whole set: every page under docs/ is reachable from the README, which stays short.
    for (const file of unreachable(files.filter((f) => f.startsWith('docs/')))) {
      problems.push({
        file,
        line: 1,
        text: 'no link leads here from README.md (even through pages)',
      });
    }
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
      .replace(/\n$/, '')
      .split('\n').length;
    if (readme > README_MAX_LINES) {
      problems.push({
        file: 'README.md',
        line: README_MAX_LINES + 1,
        text: `${readme} lines; a landing page keeps to ${README_MAX_LINES}`,
      });
    }
  }
  for (const p of problems) process.stdout.write(`${p.file}:${p.line} - ${p.text}\n`);
  process.stdout.write(
    `check:docs:links: ${links} links in ${files.length} files; ${problems.length} problems\n`,
  );
  if (problems.length > 0) process.exitCode = 1;
}

if (require.main === module) main();
