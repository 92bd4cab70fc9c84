import { Logger } from '@nestjs/common';

/** What the app logged (through Nest's `Logger`) and wrote to `console.error`, kept for asserts. */
export interface CapturedLogs {
  warn: string[];
  log: string[];
  error: string[];
  /** `console.error` lines (where ioredis writes "Unhandled error event"). */
  console: string[];
  /** Forgets what was captured so far. */
  clear(): void;
  /** Puts the real methods back. */
  restore(): void;
}

/** Captures every `Logger` warn/log/error and `console.error`, silencing them. */
export function captureLogs(): CapturedLogs {
  const logs: CapturedLogs = {
    warn: [],
    log: [],
    error: [],
    console: [],
    clear: () => {
      for (const list of [logs.warn, logs.log, logs.error, logs.console]) list.length = 0;
    },
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
  const text = (args: unknown[]) => args.map(String).join(' ');
  const spies = [
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((...args) => {
      logs.warn.push(text(args));
    }),
    jest.spyOn(Logger.prototype, 'log').mockImplementation((...args) => {
      logs.log.push(text(args));
    }),
    jest.spyOn(Logger.prototype, 'error').mockImplementation((...args) => {
      logs.error.push(text(args));
    }),
    jest.spyOn(console, 'error').mockImplementation((...args) => {
      logs.console.push(text(args));
    }),
  ];
  return logs;
}
