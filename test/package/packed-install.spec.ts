import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packedTarball } from '../support/packed-tarball';

/**
 * The package as a user gets it: the library is built and packed with `npm pack`, and the tarball
 * is installed into fresh apps in a temporary directory (no network: it is unpacked into the
 * app's `node_modules`, beside links to the few packages an app has anyway). There is no ioredis,
 * bullmq or @nestjs/throttler there, and the apps compile with `skipLibCheck: false`.
 */

const REPO = join(__dirname, '..', '..');
const TSC = require.resolve('typescript/bin/tsc');
const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};
/** Every entry point of the `exports` map (a new subpath is checked as soon as it is added). */
const ENTRIES = Object.keys(PKG.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'nestjs-status' : `nestjs-status/${key.slice(2)}`));
/** What any Nest app installs. */
const APP_PACKAGES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@types/node',
  'class-transformer',
  'class-validator',
  'reflect-metadata',
  'rxjs',
];
const OPTIONAL_PEERS = ['ioredis', 'bullmq', '@nestjs/throttler'];
// Children must find packages only in the app's own node_modules.
const ENV = {
  ...process.env,
  NODE_PATH: '',
  NODE_OPTIONS: '',
  npm_config_update_notifier: 'false',
};

jest.setTimeout(120_000);

let work: string;
let tarball: string;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: ENV, encoding: 'utf8', timeout: 120_000 });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A fresh app: the tarball unpacked into its node_modules, plus links to `packages`. */
function freshApp(name: string, packages: string[], packageJson: object): string {
  const app = join(work, name);
  const target = join(app, 'node_modules', 'nestjs-status');
  mkdirSync(target, { recursive: true });
  ok(run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], app), 'unpacking');
  for (const pkg of packages) {
    const link = join(app, 'node_modules', pkg);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(REPO, 'node_modules', pkg)), link, 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ private: true, ...packageJson }));
  return app;
}

function tsconfig(app: string, compilerOptions: object, files: string[]): void {
  const options = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      types: ['node'],
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: false,
      outDir: 'dist',
      ...compilerOptions,
    },
    files,
  };
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(options));
}

/**
 * The app: one controller whose handler throws a domain error, every subpath imported (the typed
 * ones through their types, all of them at run time), and, given a feature in argv, that feature
 * turned on although its peer is not installed.
 */
function appSource(esm: boolean): string {
  return `import 'reflect-metadata';
import { Controller, Get, Module, Param, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NotFoundError, StatusModule } from 'nestjs-status';
import { JobStatus } from 'nestjs-status/jobs';
import { Paginated } from 'nestjs-status/pagination';
import { UnmatchedRequests } from 'nestjs-status/rate-limit';

const ENTRIES: string[] = ${JSON.stringify(ENTRIES)};

class BookNotFound extends NotFoundError {}

@Controller('books')
class BooksController {
  @Get(':id')
  find(@Param('id') id: string): never {
    throw new BookNotFound(\`Book \${id} was not found.\`);
  }
}

function appModule(status: DynamicModule) {
  @Module({ imports: [status], controllers: [BooksController] })
  class AppModule {}
  return AppModule;
}

async function serve(): Promise<void> {
  const app = await NestFactory.create(appModule(StatusModule.forRoot()), { logger: false });
  await app.listen(0, '127.0.0.1');
  const res = await fetch(\`\${await app.getUrl()}/books/7\`);
  const entries: Record<string, string[]> = {};
  for (const entry of ENTRIES) {
    const loaded = (await import(entry)) as Record<string, unknown>;
    entries[entry] = Object.keys(loaded).filter((key) => key !== 'default' && key !== '__esModule');
  }
  console.log(
    JSON.stringify({
      format: ${JSON.stringify(esm ? 'esm' : 'cjs')},
      status: res.status,
      requestId: res.headers.get('x-request-id'),
      body: await res.json(),
      typed: [typeof JobStatus, typeof Paginated, typeof UnmatchedRequests],
      entries,
    }),
  );
  await app.close();
}

/** A feature turned on whose optional peer is missing. */
async function withoutPeer(feature: string): Promise<void> {
  if (feature === 'RedisThrottlerStorage') {
    const redisEntry = 'nestjs-status/redis';
    const { RedisThrottlerStorage } = (await import(redisEntry)) as {
      RedisThrottlerStorage: new (url: string) => object;
    };
    new RedisThrottlerStorage('redis://127.0.0.1:1');
    return;
  }
  const status =
    feature === 'rateLimit'
      ? StatusModule.forRoot({ rateLimit: { throttler: [{ limit: 5, ttl: 60_000 }] } })
      : StatusModule.forRoot({ jobs: { redis: 'redis://127.0.0.1:1' } });
  const app = await NestFactory.create(appModule(status));
  await app.close();
}

const feature = process.argv[2];
(feature ? withoutPeer(feature) : serve()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
`;
}

function start(app: string, main: string, ...args: string[]): SpawnSyncReturns<string> {
  return run(process.execPath, [join(app, 'dist', main), ...args], app);
}

const APPS = [
  {
    // Nest's own starter: CommonJS with the classic (node10) resolution, subpaths via typesVersions.
    name: 'cjs-node10',
    packageJson: {},
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' },
    main: 'main.js',
    source: 'main.ts',
    esm: false,
  },
  {
    // An ES module app with Node's own resolution (the `exports` map and its `types` conditions).
    name: 'esm-nodenext',
    packageJson: { type: 'module' },
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
    main: 'main.js',
    source: 'main.ts',
    esm: true,
  },
];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nestjs-status-pack-'));
  tarball = packedTarball();
  for (const spec of APPS) {
    const app = freshApp(spec.name, APP_PACKAGES, spec.packageJson);
    writeFileSync(join(app, spec.source), appSource(spec.esm));
    tsconfig(app, spec.compilerOptions, [spec.source]);
  }
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('types nestjs-status/redis and /rate-limit against the peers where they are installed (bundler resolution)', () => {
    const app = freshApp('with-peers', [...APP_PACKAGES, 'ioredis', '@nestjs/throttler'], {
      type: 'module',
    });
    writeFileSync(
      join(app, 'options.ts'),
      `import { StatusModule } from 'nestjs-status';
import { UnmatchedRequests, type RateLimitOptions } from 'nestjs-status/rate-limit';
import { RedisThrottlerStorage } from 'nestjs-status/redis';
import { ThrottlerStorageService, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';

const storage: ThrottlerStorage = new RedisThrottlerStorage(new Redis({ lazyConnect: true }));
const throttler: ThrottlerModuleOptions = {
  throttlers: [{ limit: 5, ttl: 60_000 }],
  storage,
  skipIf: (context) => context.getClass() === UnmatchedRequests,
};
const rateLimit: RateLimitOptions = { throttler };
export const status = StatusModule.forRoot({ rateLimit });
export const memory = StatusModule.forRoot({ rateLimit: { throttler: { throttlers: [], storage: new ThrottlerStorageService() } } });
`,
    );
    tsconfig(app, { module: 'esnext', moduleResolution: 'bundler', noEmit: true }, ['options.ts']);
    const compiled = run(process.execPath, [TSC, '-p', app], app);
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  });

  it('holds the built library, its LICENSE, and source maps that carry their sources', () => {
    const files = ok(run('tar', ['-tzf', tarball], work), 'tar -t')
      .trim()
      .split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/LICENSE', 'package/package.json']));
    expect(files.filter((file) => !file.startsWith('package/dist/lib/'))).toEqual(
      expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json']),
    );
    expect(files.filter((file) => !file.startsWith('package/dist/lib/'))).toHaveLength(3);
    expect(files.some((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toBe(false);
    const app = join(work, APPS[0].name, 'node_modules', 'nestjs-status');
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(
        readFileSync(join(app, map.slice('package/'.length)), 'utf8'),
      ) as { sources: string[]; sourcesContent?: string[] };
      expect({ map, complete: sourcesContent?.length === sources.length }).toEqual({
        map,
        complete: true,
      });
    }
  });

  describe.each(APPS)('in a fresh $name app', (spec) => {
    const app = () => join(work, spec.name);
    let compiled: SpawnSyncReturns<string>;

    beforeAll(() => {
      compiled = run(process.execPath, [TSC, '-p', app()], app());
    });

    it('has none of the optional peers installed', () => {
      // Asked of Node in the app, as the app itself would ask.
      const check = `for (const p of ${JSON.stringify(OPTIONAL_PEERS)}) { try { require.resolve(p); console.log(p) } catch {} }`;
      expect(ok(run(process.execPath, ['-e', check], app()), 'resolving the peers')).toBe('');
    });

    it('compiles with skipLibCheck: false, starts, answers in the envelope and loads every entry', () => {
      expect(compiled.stdout + compiled.stderr).toBe('');
      expect(compiled.status).toBe(0);
      const out = ok(start(app(), spec.main), 'the app');
      const answer = JSON.parse(out.trim().split('\n').pop()!);
      expect(answer).toMatchObject({
        format: spec.esm ? 'esm' : 'cjs',
        status: 404,
        body: {
          error: 'Not Found',
          message: 'Book 7 was not found.',
          code: 'BOOK_NOT_FOUND',
          requestId: answer.requestId,
        },
        typed: ['function', 'function', 'function'],
      });
      expect(answer.requestId).toEqual(expect.any(String));
      expect(Object.keys(answer.entries)).toEqual(ENTRIES);
      expect(answer.entries['nestjs-status']).toEqual(
        expect.arrayContaining(['StatusModule', 'NotFoundError', 'Created', 'Async']),
      );
      expect(answer.entries['nestjs-status/jobs']).toContain('JobRunner');
      expect(answer.entries['nestjs-status/pagination']).toContain('Paginated');
      expect(answer.entries['nestjs-status/rate-limit']).toContain('UnmatchedRequests');
      expect(answer.entries['nestjs-status/redis']).toContain('RedisThrottlerStorage');
    });

    it.each([
      ['rateLimit', '@nestjs/throttler'],
      ['jobs.redis', 'bullmq'],
      ['RedisThrottlerStorage', 'ioredis'],
    ])('turning on %s without %s fails at start-up with one line naming it', (feature, peer) => {
      const result = start(app(), spec.main, feature === 'jobs.redis' ? 'jobs' : feature);
      expect(result.status).not.toBe(0);
      const line = `nestjs-status: ${feature} needs ${peer}. Run: npm i ${peer}`;
      // Nest logs its start-up progress on stdout and the failure on stderr: that one line.
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(line)]);
      expect(result.stdout).not.toMatch(/Cannot find module|Require stack|ERROR/);
    });
  });
});
