import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { STATUS_OPTIONS } from '../options/options.token';
import type { ResolvedStatusOptions } from '../options/status-options';
import { closingAnswer } from './closing-answer';
import { ConnectionDrain } from './connection-drain';
import { resolveShutdownOptions, type ResolvedShutdownOptions } from '../options/shutdown.options';

const INSTALLED = Symbol('nestjs-status.shutdown');

type ClosingAdapter = { beforeClose?: () => unknown; [INSTALLED]?: ConnectionDrain };

/**
 * Closes the HTTP server gracefully when the app closes (`app.close()`, or a signal once
 * `app.enableShutdownHooks()` is on): from the very start of Nest's shutdown, before any
 * `OnModuleDestroy` hook, requests that arrive get 503 `SHUTTING_DOWN` + `Retry-After`, those
 * under way finish with `Connection: close`, idle connections are closed, and whatever is still
 * open after `shutdown.drainMs` is destroyed, so the server's close never outlasts the bound.
 */
@Injectable()
export class GracefulShutdown implements OnModuleInit, OnModuleDestroy {
  private readonly settings: ResolvedShutdownOptions | undefined;
  private drain: ConnectionDrain | undefined;
  private readonly logger = new Logger('StatusModule');

  constructor(
    @Inject(STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    // Checked here, so that a wrong value fails at start-up.
    this.settings =
      options.shutdown === false ? undefined : resolveShutdownOptions(options.shutdown);
  }

  /** Watches the server's connections from before it listens. */
  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter as
      (ClosingAdapter & { getHttpServer(): unknown }) | undefined;
    const server = adapter?.getHttpServer() as Server | undefined;
    if (!this.settings || !adapter || !server || typeof server.on !== 'function') return;
    if (adapter[INSTALLED]) {
      this.drain = adapter[INSTALLED];
      return;
    }
    const { drainMs, retryAfterSeconds } = this.settings;
    const drain = new ConnectionDrain(
      server,
      // Connections get the bound less a little time (a tenth, 250 ms at most) for Nest's last
      // hooks and the exit, so that the process itself ends within `drainMs`.
      drainMs - Math.min(250, Math.floor(drainMs / 10)),
      closingAnswer(this.options, retryAfterSeconds),
      (message, level) => this.logger[level](message),
    );
    adapter[INSTALLED] = this.drain = drain;
    // Nest awaits the adapter's `beforeClose` first thing in `app.close()`, before any hook.
    const beforeClose = adapter.beforeClose;
    adapter.beforeClose = function (this: unknown) {
      drain.begin();
      return beforeClose?.call(this);
    };
  }

  /** For a Nest that does not call `beforeClose`: closing begins with the destroy hooks. */
  onModuleDestroy(): void {
    this.drain?.begin();
  }
}
