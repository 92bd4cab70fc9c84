/* eslint-disable no-undef, @typescript-eslint/no-require-imports -- CommonJS, loaded by node -r */
// Lets a child process run the project's TypeScript as it is (`node -r ./test/support/ts-register.js
// sample/main.ts`): each .ts file is compiled by itself as it is required, with tsconfig.json's own
// options (`isolatedModules` makes that safe; `tsc` does the type check). So a test's child runs
// the code under test, never a stale `dist/` build.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '..', '..');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, declaration: false };

require.extensions['.ts'] = (module, fileName) => {
  const source = readFileSync(fileName, 'utf8');
  module._compile(ts.transpileModule(source, { compilerOptions, fileName }).outputText, fileName);
};
