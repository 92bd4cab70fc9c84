import {
  Body,
  Controller,
  Get,
  Injectable,
  Logger,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  Post,
} from '@nestjs/common';
import { IsEmail } from 'class-validator';
import { ApiResponse } from '@nestjs/swagger';
import request from 'supertest';
import { ForbiddenError, StatusModule } from '../../lib';
import { Throws } from '../../lib/openapi';
import { ADAPTERS, REQUEST_ID, startApp } from '../support/http-app';

class EmailDto {
  @IsEmail() email!: string;
}

@Controller('m')
class ModuleController {
  @Post()
  create(@Body() dto: EmailDto) {
    return dto;
  }

  @Get('crash')
  crash() {
    throw new Error('internal detail 1234');
  }

  @Get('refused')
  @Throws(ForbiddenError)
  refused() {
    throw new ForbiddenError('Not for you.');
  }

  @Get('empty')
  @ApiResponse({ status: 204, description: 'returns nothing' })
  empty() {
    return undefined;
  }

  @Get('guarded')
  @ApiResponse({ status: 403, description: 'refused by a middleware' })
  guarded() {
    return { ok: true };
  }
}

@Injectable()
class RefuseMiddleware implements NestMiddleware {
  use() {
    throw new ForbiddenError('Refused by a middleware.');
  }
}

@Module({ controllers: [ModuleController] })
class WithMiddleware implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(RefuseMiddleware).forRoutes('m/guarded');
  }
}

describe.each(ADAPTERS)('StatusModule registration on %s', (_name, makeAdapter) => {
  it('forRootAsync registers every part from a factory', async () => {
    const running = await startApp(
      {
        imports: [
          StatusModule.forRootAsync({
            useFactory: async () => ({ errors: { format: 'problem' as const } }),
          }),
        ],
        controllers: [ModuleController],
      },
      makeAdapter,
    );
    try {
      const res = await request(running.url).post('/m').send({ email: 'nope' });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
      const empty = await request(running.url).get('/m/empty');
      expect(empty.status).toBe(204);
    } finally {
      await running.close();
    }
  });

  it('forRootAsync with parts switched off passes through to Nest', async () => {
    const running = await startApp(
      {
        imports: [
          StatusModule.forRootAsync({
            useFactory: () => ({
              errors: false as const,
              validation: false as const,
              success: false as const,
            }),
          }),
        ],
        controllers: [ModuleController],
      },
      makeAdapter,
      // Without our filter, Nest's own error bodies: not the documented envelope.
      { contract: false },
    );
    try {
      const res = await request(running.url).post('/m').send({ email: 'nope' });
      expect(res.status).toBe(201); // no validation
      const crash = await request(running.url).get('/m/crash');
      expect(crash.status).toBe(500);
      expect(crash.body).toEqual({ statusCode: 500, message: 'Internal server error' }); // Nest's own
      expect((await request(running.url).get('/m/empty')).status).toBe(200); // Nest's own
    } finally {
      await running.close();
    }
  });

  it('forRoot leaves out a part switched off', async () => {
    const running = await startApp(
      { imports: [StatusModule.forRoot({ validation: false })], controllers: [ModuleController] },
      makeAdapter,
    );
    try {
      expect((await request(running.url).post('/m').send({ email: 'nope' })).status).toBe(201);
      const crash = await request(running.url).get('/m/crash');
      expect(crash.body).toMatchObject({ code: 'INTERNAL_ERROR' });
    } finally {
      await running.close();
    }
  });

  it('answers an error thrown in a middleware in the envelope', async () => {
    const running = await startApp(
      { imports: [StatusModule.forRoot(), WithMiddleware] },
      makeAdapter,
    );
    try {
      const res = await request(running.url).get('/m/guarded');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: 'Forbidden',
        message: 'Refused by a middleware.',
        code: 'FORBIDDEN',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    } finally {
      await running.close();
    }
  });

  it('logs a 500 with its stack and request id, and does not log a 4xx as an error', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [ModuleController] },
      makeAdapter,
    );
    try {
      const crash = await request(running.url).get('/m/crash');
      expect(errors).toHaveBeenCalledTimes(1);
      const [message, stack] = errors.mock.calls[0] as [string, string];
      expect(message).toContain(crash.body.requestId);
      expect(message).toContain('internal detail 1234');
      expect(stack).toMatch(/at .*crash/);
      errors.mockClear();
      await request(running.url).get('/m/refused').expect(403);
      await request(running.url).post('/m').send({ email: 'x' }).expect(422);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
      await running.close();
    }
  });
});
