// The module objects themselves (not import-star copies), so jest can spy on them.
import nodeCrypto from 'node:crypto';
import nodeZlib from 'node:zlib';
import * as slabs from '../../lib/platform/utf8-slab';
import request from 'supertest';
import { StatusModule, StatusModuleOptions } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  ConflictsController,
  DocsController,
  DocStore,
  DocVersions,
  HashedController,
  largeNote,
  note,
} from './fixtures/conditional.fixture';

const SEED_DATE = 'Tue, 10 Feb 2026 12:00:00 GMT';

function appWith(options: StatusModuleOptions = {}) {
  return {
    imports: [StatusModule.forRoot(options)],
    controllers: [DocsController, HashedController, ConflictsController],
    providers: [DocStore, DocVersions],
  };
}

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit: the test's own. */
function crc32Of(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The default tag, computed here: `"<length>-<CRC-32 of the UTF-8 bytes>"`, both in decimal. */
function tagOf(body: string): string {
  return `"${body.length}-${crc32Of(Buffer.from(body))}"`;
}

/** The tag with `etagHash: 'sha1'`: SHA-1 in base64url. */
function sha1TagOf(body: string): string {
  return `"${nodeCrypto.createHash('sha1').update(body).digest('base64url')}"`;
}

describe.each(ADAPTERS)('conditional requests on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  let store: DocStore;
  beforeAll(async () => {
    running = await startApp(appWith(), makeAdapter);
    http = request(running.url);
    store = running.app.get(DocStore);
  });
  beforeEach(() => store.reset());
  afterAll(() => running.close());

  describe('reads', () => {
    it('answers GET with 200, a strong ETag from the version and Last-Modified', async () => {
      const res = await http.get('/docs/42');
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"v5"');
      expect(res.headers['last-modified']).toBe(SEED_DATE);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({
        id: 42,
        title: 'Design notes',
        version: 5,
        updatedAt: '2026-02-10T12:00:00Z',
      });
    });

    it('answers the same GET with its ETag with 304, no body, and the 200 headers', async () => {
      const res = await http.get('/docs/42').set('If-None-Match', '"v5"');
      expect(res.status).toBe(304);
      expect(res.text ?? '').toBe('');
      expect(res.headers['content-length'] ?? '0').toBe('0');
      expect(res.headers['content-type']).toBeUndefined();
      expect(res.headers).toMatchObject({
        etag: '"v5"',
        'last-modified': SEED_DATE,
        'cache-control': 'no-cache',
        vary: 'Accept',
        'content-location': '/docs/42',
        expires: 'Thu, 01 Jan 2099 00:00:00 GMT',
        'x-request-id': expect.stringMatching(REQUEST_ID),
      });
    });

    it('answers a stale ETag with 200 and the body', async () => {
      const res = await http.get('/docs/42').set('If-None-Match', '"v3"');
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"v5"');
      expect(res.body.version).toBe(5);
    });

    it.each([
      ['a list containing it', '"v1", "v5"'],
      ['a list on one line without spaces', '"v1","v3","v5"'],
      ['its weak form (weak comparison)', 'W/"v5"'],
      ['a weak list', 'W/"v4", W/"v5"'],
      ['*', '*'],
    ])('answers If-None-Match with %s with 304', async (_case, header) => {
      const res = await http.get('/docs/42').set('If-None-Match', header);
      expect(res.status).toBe(304);
      expect(res.headers.etag).toBe('"v5"');
    });

    it.each([
      ['a list without it', '"v1", "v3"'],
      ['an unquoted tag (not an entity tag)', 'v5'],
      ['a tag differing only by case', '"V5"'],
    ])('answers If-None-Match with %s with 200', async (_case, header) => {
      const res = await http.get('/docs/42').set('If-None-Match', header);
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(5);
    });

    it('answers HEAD like GET without a body, and 304 when the tag matches', async () => {
      const head = await http.head('/docs/42');
      expect(head.status).toBe(200);
      expect(head.headers.etag).toBe('"v5"');
      expect(head.headers['last-modified']).toBe(SEED_DATE);
      expect(head.text ?? '').toBe('');
      const get = await http.get('/docs/42');
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      const conditional = await http.head('/docs/42').set('If-None-Match', '"v5"');
      expect(conditional.status).toBe(304);
      expect(conditional.headers.etag).toBe('"v5"');
    });

    it('answers If-Modified-Since not older than Last-Modified with 304', async () => {
      const same = await http.get('/docs/42').set('If-Modified-Since', SEED_DATE);
      expect(same.status).toBe(304);
      expect(same.headers['last-modified']).toBe(SEED_DATE);
      const later = await http
        .get('/docs/42')
        .set('If-Modified-Since', 'Wed, 11 Feb 2026 12:00:00 GMT');
      expect(later.status).toBe(304);
      const earlier = await http
        .get('/docs/42')
        .set('If-Modified-Since', 'Tue, 10 Feb 2026 11:59:59 GMT');
      expect(earlier.status).toBe(200);
      expect(earlier.body.version).toBe(5);
    });

    it.each([
      ['RFC 850', 'Tuesday, 10-Feb-26 12:00:00 GMT'],
      ['asctime', 'Tue Feb 10 12:00:00 2026'],
    ])('reads the obsolete %s date form too', async (_form, date) => {
      expect((await http.get('/docs/42').set('If-Modified-Since', date)).status).toBe(304);
    });

    it('ignores If-Modified-Since when If-None-Match is present, and when it is no HTTP-date', async () => {
      const res = await http
        .get('/docs/42')
        .set('If-None-Match', '"v3"')
        .set('If-Modified-Since', SEED_DATE);
      expect(res.status).toBe(200);
      const invalid = await http.get('/docs/42').set('If-Modified-Since', '2099-01-01');
      expect(invalid.status).toBe(200);
    });

    it('keeps a 404 a 404 whatever the preconditions say (RFC 9110 13.2.1)', async () => {
      const res = await http.get('/docs/7').set('If-None-Match', '*');
      expect(res.status).toBe(404);
      expect(res.headers.etag).toBeUndefined();
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: 'Document 7 was not found.' });
    });

    it('answers a GET whose If-Match fails with 412', async () => {
      const res = await http.get('/docs/42').set('If-Match', '"v3"');
      expect(res.status).toBe(412);
      expect(res.headers.etag).toBeUndefined();
      expect(res.body).toEqual({
        error: 'Precondition Failed',
        message: 'Resource was modified. Current version is v5.',
        code: 'PRECONDITION_FAILED',
        currentVersion: 'v5',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect((await http.get('/docs/42').set('If-Match', '"v5"')).status).toBe(200);
    });
  });

  describe('hashed ETags', () => {
    it('tags a body without a version with a strong hash of the bytes sent', async () => {
      const res = await http.get('/hashed/item');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(note);
      expect(res.text).toBe(JSON.stringify(note));
      expect(res.headers.etag).toBe(tagOf(res.text));
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const again = await http.get('/hashed/item').set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
      expect(again.headers.etag).toBe(res.headers.etag);
      expect(again.headers['cache-control']).toBe('no-cache');
    });

    it('tags arrays and strings too', async () => {
      const list = await http.get('/hashed/list');
      expect(list.headers.etag).toBe(tagOf(list.text));
      expect(list.body).toHaveLength(2);
      const text = await http.get('/hashed/text');
      expect(text.text).toBe('plain text');
      expect(text.headers.etag).toBe(tagOf('plain text'));
      expect((await http.get('/hashed/text').set('If-None-Match', text.headers.etag)).status).toBe(
        304,
      );
    });

    it('hashes once and serializes once per response (the framework neither hashes nor re-serializes)', async () => {
      const crc32 = jest.spyOn(nodeZlib, 'crc32');
      const hash = jest.spyOn(nodeCrypto, 'hash');
      const createHash = jest.spyOn(nodeCrypto, 'createHash');
      const stringify = jest.spyOn(JSON, 'stringify');
      try {
        const res = await http.get('/hashed/item');
        expect(res.status).toBe(200);
        expect(crc32).toHaveBeenCalledTimes(1);
        expect(hash).not.toHaveBeenCalled();
        expect(createHash).not.toHaveBeenCalled();
        const bodies = stringify.mock.calls.filter(
          ([value]) => (value as { text?: unknown })?.text === note.text,
        );
        expect(bodies).toHaveLength(1);
      } finally {
        crc32.mockRestore();
        hash.mockRestore();
        createHash.mockRestore();
        stringify.mockRestore();
      }
    });

    // Bodies from 64 K characters go out as the UTF-8 bytes they were hashed from (slab slices);
    // shorter ones, and past a slab's 174,762 characters, as text. All must read the same.
    it.each([
      ['just over 1 KB', 1100],
      ['just under 64 K characters', 65_000],
      ['just over 64 K characters', 66_000],
      ['about 100 KB', 100_000],
      ['the most a slab takes', 174_000],
      ['more than a slab takes', 200_000],
    ])(
      'sends %s of mixed UTF-8 whole, with its byte length and the tag of its bytes',
      async (_size, chars) => {
        const res = await http.get(`/hashed/large?chars=${chars}&seed=3`);
        const expected = JSON.stringify(largeNote(chars, 3));
        expect(res.status).toBe(200);
        expect(res.text).toBe(expected);
        expect(res.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.headers.etag).toBe(tagOf(expected));
        const again = await http
          .get(`/hashed/large?chars=${chars}&seed=3`)
          .set('If-None-Match', res.headers.etag);
        expect(again.status).toBe(304);
        expect(again.text ?? '').toBe('');
        const head = await http.head(`/hashed/large?chars=${chars}&seed=3`);
        expect(head.status).toBe(200);
        expect(head.headers['content-length']).toBe(res.headers['content-length']);
        expect(head.headers.etag).toBe(res.headers.etag);
      },
    );

    it('keeps every large body whole while later ones are written (several at once, past a slab)', async () => {
      const sizes = [3000, 90_000, 120_000, 70_000, 150_000, 66_000, 2000, 170_000];
      const responses = await Promise.all(
        sizes.map((chars, seed) => http.get(`/hashed/large?chars=${chars}&seed=${seed}`)),
      );
      responses.forEach((res, seed) => {
        const expected = JSON.stringify(largeNote(sizes[seed], seed));
        expect(res.status).toBe(200);
        expect(res.text).toBe(expected);
        expect(res.headers.etag).toBe(tagOf(expected));
      });
    });

    describe('a body sent as the bytes it hashed', () => {
      let slice: jest.SpiedFunction<typeof slabs.utf8Slice>;
      let release: jest.SpiedFunction<typeof slabs.release>;
      beforeEach(() => {
        slice = jest.spyOn(slabs, 'utf8Slice');
        release = jest.spyOn(slabs, 'release');
      });
      afterEach(() => {
        slice.mockRestore();
        release.mockRestore();
      });
      /** The slices handed back, in order. */
      const handedBack = () => release.mock.calls.map(([given]) => given).filter(Boolean);

      it('sends one from 64 K characters, and hands it back for a 304', async () => {
        const res = await http.get('/hashed/large?chars=70000');
        expect(res.status).toBe(200);
        expect(res.text).toBe(JSON.stringify(largeNote(70_000, 0)));
        expect(slice).toHaveBeenCalledTimes(1);
        expect(handedBack()).toEqual([]);
        const again = await http
          .get('/hashed/large?chars=70000')
          .set('If-None-Match', res.headers.etag);
        expect(again.status).toBe(304);
        expect(slice).toHaveBeenCalledTimes(2);
        expect(handedBack()).toEqual([slice.mock.results[1].value]);
      });

      it('hands it back when If-Match fails (412), and keeps none for a HEAD', async () => {
        const res = await http.get('/hashed/large?chars=70000').set('If-Match', '"0-0"');
        expect(res.status).toBe(412);
        expect(slice).toHaveBeenCalledTimes(1);
        expect(handedBack()).toEqual([slice.mock.results[0].value]);
        const crc = jest.spyOn(slabs, 'crc32OfUtf8');
        try {
          const head = await http.head('/hashed/large?chars=70000');
          expect(head.status).toBe(200);
          // The HEAD's text is encoded once for its CRC-32, inside the slab, which hands the
          // slice back at once: no slice leaves it, nothing is kept.
          expect(crc).toHaveBeenCalledTimes(1);
          expect(crc.mock.results[0].value).toEqual(expect.any(Number));
          expect(slice).toHaveBeenCalledTimes(1);
          expect(handedBack()).toEqual([slice.mock.results[0].value]);
        } finally {
          crc.mockRestore();
        }
      });

      it.each([
        ['under 64 K characters', 100],
        ['over 64 K characters', 70_000],
      ])(
        "completes the app's own JSON type with the charset on one %s, sent as text",
        async (_size, chars) => {
          const res = await http.get(`/hashed/large-typed?chars=${chars}`);
          const expected = JSON.stringify(largeNote(chars, 1));
          expect(res.status).toBe(200);
          expect(res.headers['content-type']).toBe('application/vnd.api+json; charset=utf-8');
          expect(res.text).toBe(expected);
          expect(res.headers.etag).toBe(tagOf(expected));
          expect(handedBack()).toEqual(slice.mock.results.map((result) => result.value));
        },
      );
    });

    it('gives two bodies of the same length that differ in one byte different tags', async () => {
      const current = tagOf(JSON.stringify(note));
      const a = await http.put('/hashed/item').set('If-Match', current).send({ text: 'Z' });
      const b = await http.put('/hashed/item').set('If-Match', current).send({ text: 'Y' });
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.text.length).toBe(b.text.length);
      expect(a.text).not.toBe(b.text);
      expect(a.headers.etag).toBe(tagOf(a.text));
      expect(b.headers.etag).toBe(tagOf(b.text));
      expect(b.headers.etag).not.toBe(a.headers.etag);
    });

    it('lets a failing If-Match win over a matching If-None-Match on a hashed GET (RFC 9110 13.2.2)', async () => {
      const tag = (await http.get('/hashed/item')).headers.etag;
      const res = await http
        .get('/hashed/item')
        .set('If-Match', '"someone-else"')
        .set('If-None-Match', tag);
      expect(res.status).toBe(412);
      expect(res.body.code).toBe('PRECONDITION_FAILED');
      const both = await http.get('/hashed/item').set('If-Match', tag).set('If-None-Match', tag);
      expect(both.status).toBe(304);
      expect(both.headers.etag).toBe(tag);
    });

    it('leaves no ETag at all on a route that switched it off (no framework weak ETag either)', async () => {
      const res = await http.get('/hashed/off');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(note);
      expect(res.headers.etag).toBeUndefined();
    });

    it('leaves an error response untagged', async () => {
      const res = await http.get('/hashed/missing').set('If-None-Match', '*');
      expect(res.status).toBe(404);
      expect(res.headers.etag).toBeUndefined();
    });

    it('guards a write with the hash of the current body', async () => {
      const current = tagOf(JSON.stringify(note));
      const stale = await http.put('/hashed/item').set('If-Match', '"stale"').send({ text: 'x' });
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe(current.slice(1, -1));
      const ok = await http.put('/hashed/item').set('If-Match', current).send({ text: 'x' });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ ...note, text: 'x' });
      expect(ok.headers.etag).toBe(tagOf(ok.text));
    });
  });

  describe('optimistic locking', () => {
    it('updates with the current ETag: 200 and the new ETag', async () => {
      const res = await http
        .put('/docs/42')
        .set('If-Match', '"v5"')
        .send({ title: 'Updated Title' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"v6"');
      expect(res.headers['last-modified']).toBe('Tue, 10 Feb 2026 12:01:00 GMT');
      expect(res.body).toMatchObject({ id: 42, title: 'Updated Title', version: 6 });
      expect((await http.get('/docs/42').set('If-None-Match', '"v6"')).status).toBe(304);
    });

    it("refuses a stale If-Match with the guide's 409 and leaves the resource unchanged", async () => {
      const res = await http
        .put('/docs/42')
        .set('If-Match', '"v3"')
        .send({ title: 'Updated Title' });
      expect(res.status).toBe(409);
      expect(res.headers.etag).toBeUndefined();
      expect(res.body).toEqual({
        error: 'Conflict',
        message: 'Resource was modified. Current version is v5.',
        code: 'VERSION_MISMATCH',
        currentVersion: 'v5',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(store.writes).toBe(0);
      const after = await http.get('/docs/42');
      expect(after.headers.etag).toBe('"v5"');
      expect(after.body.title).toBe('Design notes');
    });

    it('compares If-Match strongly: a weak tag never matches', async () => {
      const res = await http.put('/docs/42').set('If-Match', 'W/"v5"').send({ title: 'x' });
      expect(res.status).toBe(409);
      expect(store.writes).toBe(0);
    });

    it('accepts a list containing the current tag, and *', async () => {
      const list = await http.put('/docs/42').set('If-Match', '"v4", "v5"').send({ title: 'a' });
      expect(list.status).toBe(200);
      expect(list.headers.etag).toBe('"v6"');
      const star = await http.put('/docs/42').set('If-Match', '*').send({ title: 'b' });
      expect(star.status).toBe(200);
      expect(star.headers.etag).toBe('"v7"');
    });

    it('refuses If-Match on a PUT to a resource that does not exist', async () => {
      const res = await http.put('/docs/7').set('If-Match', '*').send({ title: 'New' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        code: 'VERSION_MISMATCH',
        message:
          'Resource does not exist, so it cannot match If-Match. Send If-None-Match: * to create it.',
        currentVersion: null,
      });
      expect(store.find('7')).toBeUndefined();
    });

    it('creates with If-None-Match: * (201 + Location + ETag) and refuses it once the resource exists', async () => {
      const create = await http.put('/docs/7').set('If-None-Match', '*').send({ title: 'New' });
      expect(create.status).toBe(201);
      expect(create.headers.location).toBe('/docs/7');
      expect(create.headers.etag).toBe('"v1"');
      expect(create.body).toMatchObject({ id: 7, title: 'New', version: 1 });
      const again = await http.put('/docs/7').set('If-None-Match', '*').send({ title: 'Again' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        message: 'Resource already exists. Current version is v1.',
        currentVersion: 'v1',
      });
      expect(store.find('7')?.title).toBe('New');
    });

    it('lets an unconditional write through when preconditions are not required', async () => {
      const res = await http.put('/docs/42').send({ title: 'Blind' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"v6"');
    });

    it('honours If-Unmodified-Since when there is no If-Match', async () => {
      const stale = await http
        .put('/docs/42')
        .set('If-Unmodified-Since', 'Tue, 10 Feb 2026 11:00:00 GMT')
        .send({ title: 'x' });
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe('v5');
      expect(store.writes).toBe(0);
      const ignored = await http
        .put('/docs/42')
        .set('If-Match', '"v5"')
        .set('If-Unmodified-Since', 'Tue, 10 Feb 2026 11:00:00 GMT')
        .send({ title: 'y' });
      expect(ignored.status).toBe(200);
      const fresh = await http
        .put('/docs/42')
        .set('If-Unmodified-Since', 'Tue, 10 Feb 2026 12:01:00 GMT')
        .send({ title: 'z' });
      expect(fresh.status).toBe(200);
    });

    it('answers a PATCH with 204 and the new ETag, and a stale one with 409', async () => {
      const stale = await http.patch('/docs/42').set('If-Match', '"v4"').send({ title: 'x' });
      expect(stale.status).toBe(409);
      expect(store.writes).toBe(0);
      const res = await http.patch('/docs/42').set('If-Match', '"v5"').send({ title: 'Patched' });
      expect(res.status).toBe(204);
      expect(res.text ?? '').toBe('');
      expect(res.headers.etag).toBe('"v6"');
      expect(store.find('42')?.title).toBe('Patched');
    });

    it('deletes with the current ETag, refuses a stale one, and 404 wins over 412 once gone', async () => {
      const stale = await http.delete('/docs/42').set('If-Match', '"v4"');
      expect(stale.status).toBe(409);
      expect(store.find('42')).toBeDefined();
      const ok = await http.delete('/docs/42').set('If-Match', '"v5"');
      expect(ok.status).toBe(204);
      const gone = await http.delete('/docs/42').set('If-Match', '"v5"');
      expect(gone.status).toBe(404);
      const patchGone = await http.patch('/docs/42').set('If-Match', '"v5"').send({ title: 'x' });
      expect(patchGone.status).toBe(404);
    });

    it('answers 412 and 428 on a route that chose them', async () => {
      const unconditional = await http.put('/docs/42/strict').send({ title: 'x' });
      expect(unconditional.status).toBe(428);
      expect(unconditional.body).toEqual({
        error: 'Precondition Required',
        message: 'This request must be conditional. Send If-Match with the ETag you last read.',
        code: 'PRECONDITION_REQUIRED',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      const stale = await http.put('/docs/42/strict').set('If-Match', '"v3"').send({ title: 'x' });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', currentVersion: 'v5' });
      expect(store.writes).toBe(0);
      const ok = await http.put('/docs/42/strict').set('If-Match', '"v5"').send({ title: 'x' });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"v6"');
    });
  });

  describe('conflict helpers', () => {
    it('answers a duplicate with 409 and the field', async () => {
      const res = await http.post('/conflicts/users').send({});
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: 'Conflict',
        message: 'A user with email ada@example.com already exists.',
        code: 'DUPLICATE_RESOURCE',
        field: 'email',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('answers an invalid state transition with 409, from and to', async () => {
      const res = await http.post('/conflicts/orders/1/cancel').send({});
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: 'Conflict',
        message: 'Order 1 cannot be cancelled because it has already been shipped.',
        code: 'INVALID_STATE_TRANSITION',
        from: 'shipped',
        to: 'cancelled',
        allowed: [],
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });
  });
});

describe.each(ADAPTERS)('conditional options on %s', (name, makeAdapter) => {
  let running: RunningApp | undefined;
  afterEach(() => running?.close());

  async function start(options: StatusModuleOptions) {
    running = await startApp(appWith(options), makeAdapter);
    return { http: request(running.url), store: running.app.get(DocStore) };
  }

  it('answers a stale If-Match with 412 when preconditionFailedStatus is 412', async () => {
    const { http, store } = await start({ conditional: { preconditionFailedStatus: 412 } });
    const res = await http.put('/docs/42').set('If-Match', '"v3"').send({ title: 'x' });
    expect(res.status).toBe(412);
    expect(res.body).toEqual({
      error: 'Precondition Failed',
      message: 'Resource was modified. Current version is v5.',
      code: 'PRECONDITION_FAILED',
      currentVersion: 'v5',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(store.writes).toBe(0);
    expect((await http.get('/docs/42')).body.title).toBe('Design notes');
  });

  it('answers an unconditional write with 428 under requirePreconditions, but 404 wins', async () => {
    const { http, store } = await start({ conditional: { requirePreconditions: true } });
    const res = await http.put('/docs/42').send({ title: 'x' });
    expect(res.status).toBe(428);
    expect(res.body.message).toBe(
      'This request must be conditional. Send If-Match with the ETag you last read.',
    );
    const create = await http.put('/docs/7').send({ title: 'x' });
    expect(create.status).toBe(428);
    expect(create.body.message).toBe(
      'This request must be conditional. Send If-None-Match: * to create the resource.',
    );
    expect(store.writes).toBe(0);
    expect((await http.patch('/docs/7').send({ title: 'x' })).status).toBe(404);
    expect((await http.put('/docs/42').set('If-Match', '"v5"').send({ title: 'x' })).status).toBe(
      200,
    );
  });

  it("hashes with a node:crypto algorithm when told to (conditional.hash: 'sha1')", async () => {
    const { http } = await start({ conditional: { hash: 'sha1' } });
    const res = await http.get('/hashed/item');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(sha1TagOf(res.text));
    const again = await http.get('/hashed/item').set('If-None-Match', res.headers.etag);
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(res.headers.etag);
    const large = await http.get('/hashed/large?chars=50000');
    expect(large.text).toBe(JSON.stringify(largeNote(50_000, 0)));
    expect(large.headers.etag).toBe(sha1TagOf(large.text));
  });

  it('refuses at start-up a hash that neither zlib nor node:crypto has', () => {
    expect(() => StatusModule.forRoot({ conditional: { hash: 'crc64' } })).toThrow(
      "StatusModule: conditional.hash 'crc64' is neither 'crc32' nor a node:crypto hash that works here.",
    );
    // Tried, not looked up in a list: OpenSSL's own spellings work.
    expect(() => StatusModule.forRoot({ conditional: { hash: 'SHA256' } })).not.toThrow();
  });

  it('carries currentVersion as an extension member in RFC 9457 problems', async () => {
    const { http } = await start({ errors: { format: 'problem' } });
    const res = await http.put('/docs/42').set('If-Match', '"v3"').send({ title: 'x' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'Resource was modified. Current version is v5.',
      currentVersion: 'v5',
    });
  });

  it('reads its options from forRootAsync too', async () => {
    running = await startApp(
      {
        imports: [
          StatusModule.forRootAsync({
            useFactory: () => ({ conditional: { preconditionFailedStatus: 412 as const } }),
          }),
        ],
        controllers: [DocsController],
        providers: [DocStore, DocVersions],
      },
      makeAdapter,
    );
    const http = request(running.url);
    expect((await http.get('/docs/42').set('If-None-Match', '"v5"')).status).toBe(304);
    expect((await http.put('/docs/42').set('If-Match', '"v3"').send({ title: 'x' })).status).toBe(
      412,
    );
  });

  it('is switched off by forRootAsync({ conditional: false })', async () => {
    running = await startApp(
      {
        imports: [
          StatusModule.forRootAsync({ useFactory: () => ({ conditional: false as const }) }),
        ],
        controllers: [DocsController],
        providers: [DocStore, DocVersions],
      },
      makeAdapter,
    );
    const http = request(running.url);
    const res = await http.get('/docs/42');
    expect(res.headers.etag).not.toBe('"v5"');
    expect((await http.put('/docs/42').set('If-Match', '"v3"').send({ title: 'x' })).status).toBe(
      200,
    );
  });

  it('leaves ETags to the framework when the etag part is off', async () => {
    const { http } = await start({ conditional: false });
    const res = await http.get('/docs/42');
    expect(res.status).toBe(200);
    if (name === 'express') expect(res.headers.etag).toMatch(/^W\//);
    else expect(res.headers.etag).toBeUndefined();
    expect((await http.put('/docs/42').set('If-Match', '"v3"').send({ title: 'x' })).status).toBe(
      200,
    );
  });
});
