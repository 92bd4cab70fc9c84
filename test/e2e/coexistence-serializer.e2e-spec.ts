import { ClassSerializerInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { crc32 } from 'node:zlib';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import { AccountsController } from './fixtures/coexistence.fixture';

/** The tag our default hash gives a body sent as `text`: its length and CRC-32. */
function tagOf(text: string): string {
  return `"${text.length}-${crc32(text)}"`;
}

describe.each(ADAPTERS)(
  "Nest's ClassSerializerInterceptor app-wide on %s",
  (_name, makeAdapter) => {
    let running: RunningApp;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      running = await startApp(
        {
          imports: [StatusModule.forRoot()],
          controllers: [AccountsController],
          providers: [
            {
              provide: APP_INTERCEPTOR,
              useFactory: (reflector: Reflector) => new ClassSerializerInterceptor(reflector),
              inject: [Reflector],
            },
          ],
        },
        makeAdapter,
      );
      http = request(running.url);
    });
    afterAll(() => running.close());

    it('leaves the @Exclude() field out, and tags exactly the bytes it sent', async () => {
      const res = await http.get('/accounts/1');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.text).toBe('{"id":"1","name":"ann"}');
      expect(res.headers.etag).toBe(tagOf(res.text));
      expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    });

    it('answers 304 to that very tag, with the tag again and no body', async () => {
      const first = await http.get('/accounts/1');
      const res = await http.get('/accounts/1').set('If-None-Match', first.headers.etag);
      expect(res.status).toBe(304);
      expect(res.text).toBe('');
      expect(res.headers.etag).toBe(first.headers.etag);
    });

    // A route-scoped ETag interceptor runs inside the app-wide serializer; the body is hashed at
    // the reply, after it, so the tag is of the body sent (`@Exclude()` applied), never of the
    // entity with its hidden fields.
    it('tags exactly the bytes it sent on a @LastModified route too', async () => {
      const res = await http.get('/accounts/1/dated');
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"id":"1","name":"ann"}');
      expect(res.headers['last-modified']).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
      expect(res.headers.etag).toBe(tagOf(res.text));
    });

    it('does the same for a list of entities', async () => {
      const res = await http.get('/accounts');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ id: '1', name: 'ann' }]);
      expect(res.text).not.toContain('password');
      expect(res.headers.etag).toBe(tagOf(res.text));
      const again = await http.get('/accounts').set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
    });

    it('still answers a missing entity (null) with 404 in our envelope', async () => {
      const res = await http.get('/accounts/9');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: 'Not Found',
        message: 'The requested resource was not found.',
        code: 'NOT_FOUND',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('gives a @Created entity its Location and 201, the excluded field left out', async () => {
      const res = await http.post('/accounts').send({ name: 'bob' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/accounts/${res.body.id}`);
      expect(res.body).toEqual({ id: expect.any(String), name: 'bob' });
      expect(res.text).not.toContain('s3cret');
    });
  },
);
