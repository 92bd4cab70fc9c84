/* eslint-disable no-undef, @typescript-eslint/no-require-imports -- CommonJS, loaded by node -r */
// Lets a child process run the sample's TypeScript as it is (`node -r ./test/support/ts-register.js
// sample/main.ts`): each .ts file is transpiled on load, with the decorator settings of tsconfig.
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
