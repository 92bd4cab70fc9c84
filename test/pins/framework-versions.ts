import { readFileSync } from 'node:fs';

/** The major version of an installed package, read from its own manifest. */
function majorOf(name: string): number {
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
    version: string;
  };
  return Number(manifest.version.split('.')[0]);
}

/**
 * The NestJS line under test: 12 in the tree, 11 when CI installs it over the tree. A pin whose
 * surface differs between them asserts each line's shape explicitly, by this number.
 */
export const NEST_MAJOR = majorOf('@nestjs/core');
