import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CHILD_ENV, packedTarball } from '../support/packed-tarball';
import { parseQuickStart, type QuickStart, type QuickStartRequest } from '../support/quick-start';

/**
 * The newcomer's path, word for word: the README's "Quick start" is followed in a fresh app made
 * as `nest new` makes one, with the packed tarball as `npm i nestjs-status` would install it. Its
 * install command decides what the app has (each package it names is linked from this
 * repository's install, standing in for the registry; nothing else is there), its file blocks are
 * written into the app, the app is built and started, and its requests are sent in the README's
 * order, each answered with the status the README shows.
 *
 * The convention the quick start follows (also in docs/CONTRIBUTING-docs.md):
 * - the section is the heading "Quick start" and what follows it up to the next heading of its
 *   level or higher;
 * - the install command is a ```bash block of `npm i ...`;
 * - a file is a ```ts block with `<!-- file: src/app.module.ts -->` on the line right before its
 *   fence; files not given are `nest new`'s (src/main.ts listens on `process.env.PORT ?? 3000`);
 * - a request is a ```bash block running curl (run as written, curl pointed at the app) or a
 *   ```http block with a request line; its expected status line `HTTP/1.1 201 Created` is a
 *   `# HTTP/1.1 201 Created` comment in the curl block or the first line of the ```http response
 *   block right after; a block of several requests is judged by its last response.
 * - The quick start shows the first 201, 422, 304 and 429, in that order.
 *
 * Which text: README.md when NEWCOMER_README=1 or when it has the marker `<!-- newcomer-path -->`
 * (in its Quick start section), else test/package/fixtures/quick-start.md.
 */

const REPO = join(__dirname, '..', '..');
const TSC = require.resolve('typescript/bin/tsc');
const README = join(REPO, 'README.md');
const FIXTURE = join(__dirname, 'fixtures', 'quick-start.md');
const MARKER = /<!--\s*newcomer-path\s*-->/;
/** What `nest new` installs (its dev tools run from this repository: tsc). */
const NEST_NEW = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@types/node',
  'reflect-metadata',
  'rxjs',
];
/** `nest new`'s src/: the quick start replaces what it gives. */
const STARTER: Record<string, string> = {
  'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
`,
  'src/app.module.ts': `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`,
  'src/app.controller.ts': `import { Controller, Get } from '@nestjs/common';
import { AppService } from './app.service';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }
}
`,
  'src/app.service.ts': `import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
`,
};
/** `nest new`'s tsconfig.json, less its editor-only settings. */
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    rootDir: './src',
    skipLibCheck: true,
    strictNullChecks: true,
    forceConsistentCasingInFileNames: true,
    noImplicitAny: false,
    strictBindCallApply: false,
    noFallthroughCasesInSwitch: false,
    // TypeScript 6 loads no @types package unless named.
    types: ['node'],
  },
  include: ['src'],
};

jest.setTimeout(120_000);

const useReadme = process.env.NEWCOMER_README === '1' || MARKER.test(readFileSync(README, 'utf8'));
const sourcePath = useReadme ? README : FIXTURE;
const sourceName = useReadme ? 'README.md' : 'test/package/fixtures/quick-start.md';

let quickStart: QuickStart;
let app: string;
let server: ChildProcess | undefined;
let output = '';
let compiled: { status: number | null; output: string };
let port: number;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
}

/** A request's status, and the response as text to show when it is not the one expected. */
interface Answer {
  status: number;
  response: string;
}

/** Resolves once the app accepts connections on `port`; rejects if it exits first. */
async function listening(child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`the app exited (${child.exitCode}) before listening:\n${output}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `the app did not listen on PORT=${port} within 30 s (src/main.ts must listen on ` +
      `process.env.PORT, as nest new's does):\n${output}`,
  );
}

/** Sends a ```http block's request to the app, keeping its Host header as written. */
function sendHttp(req: Extract<QuickStartRequest, { kind: 'http' }>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(req.headers);
    const outgoing = request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          const head = Object.entries(res.headers).map(([name, value]) => `${name}: ${value}`);
          resolve({ status: res.statusCode!, response: [...head, '', body].join('\n') });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** Runs a curl block with bash; curl goes to the app (whatever host the README names) with -i. */
function runCurl(req: Extract<QuickStartRequest, { kind: 'curl' }>): Answer {
  // A newline after each response: a body without one would hide the next status line.
  const curl = `curl() { command curl -sS -i --connect-to "::127.0.0.1:${port}" "$@"; local rc=$?; echo; return $rc; }`;
  const script = `${curl}\n${req.script}\n`;
  const result = spawnSync('bash', ['-c', script], {
    cwd: app,
    encoding: 'utf8',
    timeout: 60_000,
    env: CHILD_ENV,
  });
  const statuses = [...result.stdout.matchAll(/^HTTP\/[\d.]+ (\d{3})\b/gm)]
    .map((match) => Number(match[1]))
    .filter((status) => status >= 200);
  if (statuses.length === 0) {
    throw new Error(
      `${sourceName}:${req.line}: no response (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
  return { status: statuses[statuses.length - 1], response: result.stdout + result.stderr };
}

beforeAll(async () => {
  quickStart = parseQuickStart(readFileSync(sourcePath, 'utf8'), sourceName);
  const tarball = packedTarball();
  app = mkdtempSync(join(tmpdir(), 'nestjs-status-newcomer-'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'my-api', private: true, scripts: { start: 'node dist/main' } }),
  );
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  for (const [path, text] of Object.entries(STARTER)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), text);
  }
  // `npm i` as the quick start says: the tarball for the library, this install for the rest.
  for (const pkg of [...NEST_NEW, ...quickStart.packages]) {
    const target = join(app, 'node_modules', pkg);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    if (pkg === 'nestjs-status') {
      mkdirSync(target);
      const untar = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
      if (untar.status !== 0) throw new Error(`unpacking: ${untar.stderr}`);
      continue;
    }
    const installed = join(REPO, 'node_modules', pkg);
    if (!existsSync(installed)) {
      throw new Error(`${sourceName}: installs ${pkg}, which this repository has not installed`);
    }
    symlinkSync(realpathSync(installed), target, 'dir');
  }
  for (const file of quickStart.files) {
    mkdirSync(dirname(join(app, file.path)), { recursive: true });
    writeFileSync(join(app, file.path), file.text);
  }
  const build = spawnSync(process.execPath, [TSC, '-p', app], {
    cwd: app,
    encoding: 'utf8',
    env: CHILD_ENV,
    timeout: 120_000,
  });
  compiled = { status: build.status, output: build.stdout + build.stderr };
  if (build.status !== 0) return;
  port = await freePort();
  server = spawn(process.execPath, [join(app, 'dist', 'main.js')], {
    cwd: app,
    env: { ...CHILD_ENV, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await listening(server);
}, 240_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (app) rmSync(app, { recursive: true, force: true });
});

describe(`the newcomer path (${sourceName})`, () => {
  it('installs the library and shows the first 201, 422, 304 and 429, in that order', () => {
    expect(quickStart.packages).toContain('nestjs-status');
    expect(quickStart.files.length).toBeGreaterThan(0);
    const statuses = quickStart.requests.map((req) => req.expected);
    const firsts = [201, 422, 304, 429].map((status) => statuses.indexOf(status));
    expect(firsts.every((index) => index >= 0)).toBe(true);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
  });

  it("builds as written in a fresh app with nest new's settings", () => {
    expect(compiled.output).toBe('');
    expect(compiled.status).toBe(0);
  });

  it('answers each request with the status it shows, in order', async () => {
    expect(server).toBeDefined();
    const answers: string[] = [];
    for (const req of quickStart.requests) {
      const { status, response } = req.kind === 'http' ? await sendHttp(req) : runCurl(req);
      // A wrong status comes with the response, to see why.
      const shown = status === req.expected ? '' : `\n${response.trim()}`;
      answers.push(`${sourceName}:${req.line}: ${status}${shown}`);
    }
    expect(answers).toEqual(
      quickStart.requests.map((req) => `${sourceName}:${req.line}: ${req.expected}`),
    );
  });
});
