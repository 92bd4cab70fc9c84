import type { AbstractHttpAdapter } from '@nestjs/core';

/** Continues the request, or answers it with `error` through the exception filter. */
export type RequestHookDone = (error?: unknown) => void;

/** A check run as a request arrives, before any body is read: call `done` once. */
export type RequestHook = (request: any, response: any, done: RequestHookDone) => unknown;

interface HookHolder {
  onRequestHook?: RequestHook;
  setOnRequestHook?: (hook: RequestHook) => void;
}

/**
 * Adds `hook` to the adapter's request hook (Nest's `setOnRequestHook`), the first thing that runs
 * for a request on both adapters: on Express a layer ahead of the body parsers, on Fastify the
 * first `onRequest` hook (the route is matched by then). Nest keeps one hook: the ones already
 * set still run, `hook` before them (`'first'`, the rate-limit door) or after them (`'last'`).
 * A hook that calls `done(error)` ends the chain. Returns `false` on an adapter without hooks.
 */
export function addRequestHook(
  adapter: AbstractHttpAdapter,
  hook: RequestHook,
  position: 'first' | 'last' = 'last',
): boolean {
  const holder = adapter as unknown as HookHolder;
  if (typeof holder.setOnRequestHook !== 'function') return false;
  const existing = holder.onRequestHook;
  if (!existing) {
    holder.setOnRequestHook.call(adapter, hook);
    return true;
  }
  const [before, after] = position === 'first' ? [hook, existing] : [existing, hook];
  // Each hook completes as Nest's adapter would let it: `done`, or on Fastify its promise.
  const resolves = adapter.getType() === 'fastify';
  holder.setOnRequestHook.call(
    adapter,
    function chained(this: unknown, request: any, response: any, done: RequestHookDone) {
      run(this, before, request, response, resolves, (error) =>
        error ? done(error) : run(this, after, request, response, resolves, done),
      );
    },
  );
  return true;
}

/** Runs one hook; `done` is called once, by the hook or (rejected, or resolved on Fastify) its promise. */
function run(
  self: unknown,
  hook: RequestHook,
  request: any,
  response: any,
  resolves: boolean,
  done: RequestHookDone,
): void {
  let completed = false;
  const once: RequestHookDone = (error) => {
    if (completed) return;
    completed = true;
    done(error);
  };
  try {
    const result = hook.call(self, request, response, once) as PromiseLike<unknown> | undefined;
    if (result && typeof result.then === 'function') {
      result.then(
        () => (resolves ? once() : undefined),
        (error: unknown) => once(error ?? new Error('Request hook failed')),
      );
    }
  } catch (error) {
    once(error ?? new Error('Request hook failed'));
  }
}
