import { fences } from '../../scripts/markdown';

/**
 * Reads a README's "Quick start" the way test/package/newcomer-path.spec.ts runs it. The
 * convention the section follows (docs/CONTRIBUTING-docs.md says the same):
 *
 * - The section is the ATX heading whose text is "Quick start" (any level) and everything up to
 *   the next heading of the same or a higher level, sub-sections included.
 * - Install: a ```bash block with `npm i ...` / `npm install ...` lines (a `$ ` prompt is allowed).
 *   The packages it names are all the app gets beyond what `nest new` gave it.
 * - Files: `<!-- file: src/app.module.ts -->` on the line right before a ```ts fence makes the
 *   block that file of the app, whole. Files it does not give stay as `nest new` made them (its
 *   `src/main.ts` listens on `process.env.PORT ?? 3000`).
 * - Requests, run in the order given: a ```bash block running `curl` (run by bash as written;
 *   the test points curl at the app and adds `-i` so the status line shows), or a ```http block
 *   starting with a request line (`POST /users HTTP/1.1`, headers, a blank line, the body).
 * - Each request is followed by its expected status line, `HTTP/1.1 201 Created`: a comment line
 *   in the curl block (`# HTTP/1.1 201 Created`), or the first line of a ```http response block
 *   right after it. A block that sends several requests (a loop up to the rate limit) is judged
 *   by its last response, against the last status line it shows.
 */

/** A request of the quick start, with the status the reader is told to expect. */
export type QuickStartRequest = {
  /** 1-based markdown line of the block's fence. */
  line: number;
  /** The status line's status, and the markdown line that shows it. */
  expected?: number;
  expectedLine?: number;
} & (
  | { kind: 'curl'; script: string }
  | { kind: 'http'; method: string; path: string; headers: [string, string][]; body: string }
);

/** What the quick start tells a newcomer to do. */
export interface QuickStart {
  /** 1-based markdown line of the heading. */
  line: number;
  /** Packages named by the install commands, without versions. */
  packages: string[];
  files: { path: string; text: string; line: number }[];
  requests: QuickStartRequest[];
}

const STATUS_LINE = /HTTP\/[\d.]+ (\d{3})\b/;
const SHELL = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

/** `@scope/name@^1` → `@scope/name`, `name@1` → `name`. */
const withoutVersion = (spec: string) => spec.replace(/(?!^)@.*$/, '');

/** The section under the "Quick start" heading, as a line range (1-based, end exclusive). */
function section(lines: string[]): { start: number; end: number } {
  const inFence = new Set<number>();
  for (const fence of fences(lines.join('\n'))) {
    for (let i = fence.line; i <= fence.line + fence.lines.length + 1; i++) inFence.add(i);
  }
  const heading = (i: number) =>
    inFence.has(i + 1) ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(lines[i]);
  const start = lines.findIndex((_, i) => /^quick start$/i.test(heading(i)?.[2] ?? ''));
  if (start < 0) throw new Error('no "Quick start" heading');
  const level = heading(start)![1].length;
  let end = start + 1;
  while (end < lines.length && !(heading(end) && heading(end)![1].length <= level)) end++;
  return { start: start + 1, end: end + 1 };
}

/** The quick start of a markdown text; `name` labels the errors. */
export function parseQuickStart(markdown: string, name: string): QuickStart {
  const lines = markdown.split(/\r?\n/);
  const { start, end } = section(lines);
  const quickStart: QuickStart = { line: start, packages: [], files: [], requests: [] };
  let pending: QuickStartRequest | undefined;
  const expect = (request: QuickStartRequest, status: number, line: number) => {
    request.expected = status;
    request.expectedLine = line;
  };
  const push = (request: QuickStartRequest) => {
    if (pending && pending.expected === undefined) {
      throw new Error(`${name}:${pending.line}: this request shows no expected status line`);
    }
    quickStart.requests.push(request);
    pending = request;
  };
  for (const fence of fences(markdown)) {
    if (fence.line < start || fence.line >= end) continue;
    const first = fence.lines.find((line) => line.trim() !== '')?.trim() ?? '';
    if (fence.file && ['ts', 'typescript'].includes(fence.lang)) {
      quickStart.files.push({
        path: fence.file,
        text: fence.lines.join('\n') + '\n',
        line: fence.line,
      });
    } else if (SHELL.has(fence.lang)) {
      const commands = fence.lines.map((line) => line.replace(/^\s*\$\s+/, ''));
      for (const command of commands) {
        const install = /^\s*npm\s+(?:i|install|add)\s+(.*)$/.exec(command);
        if (install) {
          const names = install[1].split(/\s+/).filter((word) => word && !word.startsWith('-'));
          quickStart.packages.push(...names.map(withoutVersion));
        }
      }
      if (!commands.some((command) => /^[^#]*\bcurl\b/.test(command))) continue;
      const request: QuickStartRequest = {
        kind: 'curl',
        line: fence.line,
        script: commands.join('\n'),
      };
      fence.lines.forEach((line, i) => {
        const status = /^\s*#.*/.test(line) ? STATUS_LINE.exec(line) : null;
        if (status) expect(request, Number(status[1]), fence.line + 1 + i);
      });
      push(request);
    } else if (fence.lang === 'http') {
      const response = /^HTTP\/[\d.]+ (\d{3})\b/.exec(first);
      if (response) {
        if (!pending || pending.expected !== undefined) {
          throw new Error(`${name}:${fence.line}: a response block that follows no request`);
        }
        expect(pending, Number(response[1]), fence.line + 1);
        continue;
      }
      const requestLine = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/.exec(first);
      if (!requestLine) continue;
      const body = fence.lines.slice(
        fence.lines.indexOf(fence.lines.find((l) => l.trim() !== '')!) + 1,
      );
      const blank = body.findIndex((line) => line.trim() === '');
      const headerLines = blank < 0 ? body : body.slice(0, blank);
      push({
        kind: 'http',
        line: fence.line,
        method: requestLine[1],
        path: requestLine[2],
        headers: headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        }),
        body:
          blank < 0
            ? ''
            : body
                .slice(blank + 1)
                .join('\n')
                .trim(),
      });
    }
  }
  if (pending && pending.expected === undefined) {
    throw new Error(`${name}:${pending.line}: this request shows no expected status line`);
  }
  return quickStart;
}
