import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * `node -e` code that runs `sample/main.ts` from source: each `.ts` file is compiled by itself as
 * it is required (TypeScript's `transpileModule`, with the project's compiler options; no type
 * check, which `tsc` does). So a test runs the code under test, never a stale `dist/` build.
 */
const RUN_MAIN_FROM_SOURCE = `
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const root = ${JSON.stringify(ROOT)};
const ts = require(require.resolve('typescript', { paths: [root] }));
const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config;
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
Object.assign(options, { sourceMap: false, inlineSourceMap: true, declaration: false });
require.extensions['.ts'] = (module, file) =>
  module._compile(ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText, file);
require(join(root, 'sample/main.ts'));
`;

/** Settings of a sample process: its environment on top of ours, and whom it runs as. */
export interface SampleProcessOptions {
  env: NodeJS.ProcessEnv;
  /** Run as this user and group (root only), e.g. to meet a file it may not write. */
  uid?: number;
  gid?: number;
}

/** A sample API running as its own process, as `npm start` runs it. */
export interface SampleProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

function spawnSample(options: SampleProcessOptions): ChildProcess {
  const spawnOptions: SpawnOptions = {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'test', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  };
  return spawn(process.execPath, ['-e', RUN_MAIN_FROM_SOURCE], spawnOptions);
}

/** Starts the sample and resolves once it prints the URL it listens on (at most 60 s). */
export async function startSampleProcess(options: SampleProcessOptions): Promise<SampleProcess> {
  const child = spawnSample(options);
  let output = '';
  const collect = (chunk: Buffer) => (output += String(chunk));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => finish(new Error('no "listening" line within 60 s')), 60_000);
    const onData = () => {
      const match = /http:\/\/[^\s]+/.exec(output);
      if (match) finish(undefined, match[0]);
    };
    const onExit = (code: number | null) => finish(new Error(`the sample exited (${code})`));
    function finish(error?: Error, found?: string) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) fail(new Error(`${error.message}:\n${output}`));
      else done(found as string);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  return { url, child, stop: () => stopChild(child) };
}

/** Runs the sample until it exits (at most 60 s): its exit code and what it printed. */
export async function runSampleToExit(
  options: SampleProcessOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnSample(options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(force);
}
