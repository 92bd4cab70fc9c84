/**
 * NestJS 12 ships ES modules only, while Jest on Node 20 runs CommonJS (its require(esm) needs
 * Node 24.9). So Jest compiles our TypeScript with ts-jest and the ESM packages in node_modules
 * with Babel, both to CommonJS. Node itself (npm start, bench) loads them through require(esm).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+\\.js$': [
      'babel-jest',
      {
        babelrc: false,
        configFile: false,
        plugins: [
          // ES6 imports of `url` rather than a bare require(): @nestjs/swagger declares its own
          // `const require = createRequire(import.meta.url)`, which a bare require() would hit.
          ['babel-plugin-transform-import-meta', { module: 'ES6' }],
          '@babel/plugin-transform-dynamic-import',
          '@babel/plugin-transform-modules-commonjs',
        ],
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 20000,
  watchman: false,
};
