import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import { ServiceUnavailableError, StatusModule } from '../../lib';
import { captureLogs, CapturedLogs } from '../support/captured-logs';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';

class DatabaseBusyError extends ServiceUnavailableError {
  static readonly code = 'DATABASE_BUSY';
}

@Controller()
class FailingController {
  /** An expected failure: a dependency is busy. */
  @Get('busy')
  busy(): never {
    throw new DatabaseBusyError('The database is busy; try again shortly.', 2, {
      cause: new Error('SQLITE_BUSY: database is locked at /var/data/app.db'),
    });
  }

  /** Another cause of the same kind, told on its own. */
  @Get('queue-down')
  queueDown(): never {
    throw new ServiceUnavailableError('Jobs cannot be queued right now.');
  }

  /** A bug. */
  @Get('bug')
  bug(): never {
    throw new TypeError("Cannot read properties of undefined (reading 'secret-internal-name')");
  }
}

describe.each(ADAPTERS)('how failures are logged on %s', (_name, makeAdapter) => {
  let app: RunningApp;
  let logs: CapturedLogs;
  beforeAll(async () => {
    app = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [FailingController] },
      makeAdapter,
    );
  });
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());
  afterAll(() => app.close());

  it('a 503 DomainError: the envelope with Retry-After, one warning per cause, no stack', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await request(app.url).get('/busy');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.body).toEqual({
        error: 'Service Unavailable',
        message: 'The database is busy; try again shortly.',
        code: 'DATABASE_BUSY',
        retryAfter: 2,
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(JSON.stringify(res.body)).not.toContain('SQLITE_BUSY');
    }
    expect((await request(app.url).get('/queue-down')).status).toBe(503);
    expect((await request(app.url).get('/queue-down')).status).toBe(503);
    expect(logs.warn).toEqual([
      expect.stringMatching(
        /^\[req_[0-9a-f]{32}\] 503 DATABASE_BUSY: The database is busy; try again shortly\. \(cause: Error: SQLITE_BUSY: database is locked at \/var\/data\/app\.db\)$/,
      ),
      expect.stringMatching(
        /^\[req_[0-9a-f]{32}\] 503 SERVICE_UNAVAILABLE: Jobs cannot be queued right now\.$/,
      ),
    ]);
    expect(logs.error).toEqual([]);
  });

  it('an unexpected error: 500 with a generic message, logged as an error with its stack every time', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await request(app.url).get('/bug');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        error: 'Internal Server Error',
        message: 'An unexpected error occurred. Quote the requestId when reporting it.',
        code: 'INTERNAL_ERROR',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(JSON.stringify(res.body)).not.toContain('secret-internal-name');
    }
    expect(logs.error).toHaveLength(2);
    expect(logs.error[0]).toMatch(/^\[req_[0-9a-f]{32}\] 500 TypeError: Cannot read properties/);
    expect(logs.error[0]).toMatch(/\n\s+at FailingController\.bug/);
    expect(logs.warn).toEqual([]);
  });
});
