import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The package as `npm pack` makes it (the library built alone, then packed with its package.json,
 * README and LICENSE), shared by the specs that install it into fresh apps. It is cached in the
 * system's temporary directory under a hash of what goes into it, so the second spec of a run
 * (and a second run without changes) reuses it instead of building again.
 */

const REPO = join(__dirname, '..', '..');
const TSC = require.resolve('typescript/bin/tsc');
// One cache per checkout: clearing stale tarballs never touches another checkout's.
const CACHE = join(
  tmpdir(),
  `nestjs-status-packed-${createHash('sha256').update(REPO).digest('hex').slice(0, 8)}`,
);
/** What the tarball is made of: a change to any of these packs again. */
const INPUTS = ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json'];

/** Children find packages only where the app itself would. */
export const CHILD_ENV = {
  ...process.env,
  NODE_PATH: '',
  NODE_OPTIONS: '',
  npm_config_update_notifier: 'false',
};

function ok(command: string, args: string[], cwd: string, what: string): void {
  const result = spawnSync(command, args, {
    cwd,
    env: CHILD_ENV,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** A hash of the library's sources and the files packed beside them. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const lib = (readdirSync(join(REPO, 'lib'), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .sort();
  for (const file of [...INPUTS, ...lib.map((file) => join('lib', file))]) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(REPO, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Builds the library alone and packs it as `npm pack` would (same `files`, same package.json). */
function pack(into: string): string {
  const stage = join(into, 'stage');
  mkdirSync(stage);
  writeFileSync(
    join(stage, 'tsconfig.json'),
    JSON.stringify({
      extends: join(REPO, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: REPO,
        outDir: join(stage, 'dist'),
        typeRoots: [join(REPO, 'node_modules', '@types')],
      },
      include: [join(REPO, 'lib')],
      exclude: [],
    }),
  );
  ok(process.execPath, [TSC, '-p', stage], stage, 'building the library');
  for (const file of ['package.json', 'README.md', 'LICENSE']) {
    copyFileSync(join(REPO, file), join(stage, file));
  }
  // The build above is what `prepack` would run.
  ok('npm', ['pack', '--ignore-scripts', '--pack-destination', into], stage, 'npm pack');
  return join(
    into,
    readdirSync(into).find((file) => file.endsWith('.tgz'))!,
  );
}

/** The path of the packed tarball of the current sources, packing it when it is not cached. */
export function packedTarball(): string {
  const cached = join(CACHE, `nestjs-status-${inputsHash()}.tgz`);
  if (existsSync(cached)) return cached;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'nestjs-status-pack-'));
  try {
    // Another spec packing at the same time writes the same bytes: the rename is atomic.
    renameSync(pack(work), cached);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Tarballs of older sources are of no further use.
  for (const file of readdirSync(CACHE)) {
    if (join(CACHE, file) !== cached) rmSync(join(CACHE, file), { force: true });
  }
  return cached;
}
