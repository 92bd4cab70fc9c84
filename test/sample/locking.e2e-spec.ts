import request from 'supertest';
import { SampleDatabase } from '../../sample/database/sample-database';
import { DocumentVersions } from '../../sample/documents/document-versions';
import { UserVersions } from '../../sample/users/user-versions';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/**
 * Optimistic locking that holds under concurrent writers: the precondition is checked before the
 * handler, and the handler's write is a compare-and-set on the version checked. Each test lets
 * "another writer" change the row right after the check (inside the resolver, after it has read
 * the version), the window in which a check-then-write would lose that writer's update.
 */
describe.each(SAMPLE_ADAPTERS)(
  'sample optimistic locking under a racing writer on %s',
  (adapter) => {
    let sample: RunningSample;
    let http: ReturnType<typeof request>;
    let db: SampleDatabase['db'];
    beforeEach(async () => {
      sample = await startSample(adapter);
      http = request(sample.url);
      db = sample.app.get(SampleDatabase).db;
    });
    afterEach(async () => {
      jest.restoreAllMocks();
      await sample.close();
    });

    /** Runs `write` (the other writer) once, right after the resolver has read the current version. */
    function raceAfterCheck(resolver: { resolve(request: any): unknown }, write: () => void): void {
      const resolve = resolver.resolve.bind(resolver);
      jest.spyOn(resolver, 'resolve').mockImplementationOnce((req: any) => {
        const current = resolve(req);
        write();
        return current;
      });
    }
    const documents = () => sample.app.get(DocumentVersions);
    const bumpDocument = () =>
      db.prepare("UPDATE documents SET title = 'Other writer', version = 6 WHERE id = 42").run();
    const conflictAt = (currentVersion: string | null, message: string) => ({
      error: 'Conflict',
      message,
      code: 'VERSION_MISMATCH',
      currentVersion,
      requestId: expect.stringMatching(REQUEST_ID),
    });

    it('PUT /api/documents/42 with If-Match "v5", v6 written meanwhile → 409 v6, the other write kept', async () => {
      raceAfterCheck(documents(), bumpDocument);
      const res = await http
        .put('/api/documents/42')
        .set('If-Match', '"v5"')
        .send({ title: 'Mine' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(conflictAt('v6', 'Resource was modified. Current version is v6.'));
      const after = await http.get('/api/documents/42');
      expect(after.headers.etag).toBe('"v6"');
      expect(after.body.title).toBe('Other writer');
    });

    it('PATCH /api/documents/42 with If-Match "v5", v6 written meanwhile → 409 v6', async () => {
      raceAfterCheck(documents(), bumpDocument);
      const res = await http.patch('/api/documents/42').set('If-Match', '"v5"').send({ body: 'x' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(conflictAt('v6', 'Resource was modified. Current version is v6.'));
      expect((await http.get('/api/documents/42')).body).toMatchObject({
        title: 'Other writer',
        body: 'How the status codes are chosen.',
        version: 6,
      });
    });

    it('PATCH /api/documents/42 with If-Match "v5", deleted meanwhile → 404', async () => {
      raceAfterCheck(documents(), () => db.prepare('DELETE FROM documents WHERE id = 42').run());
      const res = await http.patch('/api/documents/42').set('If-Match', '"v5"').send({ body: 'x' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('DOCUMENT_NOT_FOUND');
      expect((await http.get('/api/documents/42')).status).toBe(404);
    });

    it('DELETE /api/documents/42 with If-Match "v5", v6 written meanwhile → 409 v6, not deleted', async () => {
      raceAfterCheck(documents(), bumpDocument);
      const res = await http.delete('/api/documents/42').set('If-Match', '"v5"');
      expect(res.status).toBe(409);
      expect(res.body.currentVersion).toBe('v6');
      expect((await http.get('/api/documents/42')).status).toBe(200);
    });

    it('PUT /api/documents/7 with If-None-Match: *, created meanwhile → 409, the other document kept', async () => {
      raceAfterCheck(documents(), () =>
        db
          .prepare(
            "INSERT INTO documents (id, title, body, version, updated_at) VALUES (7, 'Theirs', '', 1, '2026-01-01T00:00:00Z')",
          )
          .run(),
      );
      const res = await http
        .put('/api/documents/7')
        .set('If-None-Match', '*')
        .send({ title: 'Mine' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(conflictAt('v1', 'Resource already exists. Current version is v1.'));
      expect((await http.get('/api/documents/7')).body.title).toBe('Theirs');
    });

    it('PUT /api/users/2 with If-Match "v1", v2 written meanwhile → 409 v2, the other write kept', async () => {
      raceAfterCheck(sample.app.get(UserVersions), () =>
        db.prepare("UPDATE users SET name = 'Other writer', version = 2 WHERE id = 2").run(),
      );
      const res = await http
        .put('/api/users/2')
        .set('If-Match', '"v1"')
        .send({ name: 'Mine', email: 'grace@example.com' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(conflictAt('v2', 'Resource was modified. Current version is v2.'));
      const after = await http.get('/api/users/2');
      expect(after.headers.etag).toBe('"v2"');
      expect(after.body.name).toBe('Other writer');
    });

    it('without a race the same writes succeed, and an unconditional write is not compared', async () => {
      const put = await http.put('/api/documents/42').set('If-Match', '"v5"').send({ title: 'A' });
      expect([put.status, put.headers.etag]).toEqual([200, '"v6"']);
      const patch = await http
        .patch('/api/documents/42')
        .set('If-Match', '"v6"')
        .send({ body: 'b' });
      expect([patch.status, patch.headers.etag]).toEqual([204, '"v7"']);
      expect((await http.get('/api/documents/42')).body).toMatchObject({ title: 'A', body: 'b' });
      // No precondition, so nothing was checked: the write lands whatever the version.
      raceAfterCheck(documents(), bumpDocument);
      const blind = await http.put('/api/documents/42').send({ title: 'Blind' });
      expect(blind.status).toBe(200);
      expect(documents().resolve).not.toHaveBeenCalled();
    });
  },
);
