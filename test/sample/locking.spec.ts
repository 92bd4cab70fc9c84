import { VersionMismatchError } from '../../lib';
import { SampleDatabase } from '../../sample/database/sample-database';
import { DocumentNotFound } from '../../sample/documents/document.errors';
import { DocumentsService } from '../../sample/documents/documents.service';
import { UsersService } from '../../sample/users/users.service';

/** The services' compare-and-set, called directly: a write at a version that is no longer current changes nothing. */
describe('sample compare-and-set writes', () => {
  let database: SampleDatabase;
  let documents: DocumentsService;
  let users: UsersService;
  beforeEach(() => {
    database = new SampleDatabase();
    documents = new DocumentsService(database);
    users = new UsersService(database);
  });
  afterEach(() => database.close());

  async function conflict(write: () => Promise<unknown>): Promise<VersionMismatchError> {
    try {
      await write();
    } catch (error) {
      if (error instanceof VersionMismatchError) return error;
      throw error;
    }
    throw new Error('expected a VersionMismatchError');
  }

  it('documents.upsert at the current version updates, at an old one answers the current version', async () => {
    expect(await documents.upsert('42', { title: 'A' }, 5)).toMatchObject({
      isNew: false,
      document: { title: 'A', version: 6 },
    });
    const stale = await conflict(() => documents.upsert('42', { title: 'B' }, 5));
    expect([stale.currentVersion, stale.message]).toEqual([
      'v6',
      'Resource was modified. Current version is v6.',
    ]);
    expect(await documents.get('42')).toMatchObject({ title: 'A', version: 6 });
  });

  it('documents.upsert checked absent creates once; a second create-only write conflicts', async () => {
    expect(await documents.upsert('7', { title: 'First' }, null)).toMatchObject({
      isNew: true,
      document: { id: 7, title: 'First', version: 1 },
    });
    const again = await conflict(() => documents.upsert('7', { title: 'Second' }, null));
    expect([again.currentVersion, again.message]).toEqual([
      'v1',
      'Resource already exists. Current version is v1.',
    ]);
    expect((await documents.get('7')).title).toBe('First');
  });

  it('documents.upsert at a version of a document that is gone: currentVersion null', async () => {
    await documents.remove('42');
    const gone = await conflict(() => documents.upsert('42', { title: 'A' }, 5));
    expect(gone.currentVersion).toBeNull();
    expect(await documents.find('42')).toBeUndefined();
  });

  it('documents.upsert unchecked writes whatever is there', async () => {
    expect((await documents.upsert('42', { title: 'A' })).document.version).toBe(6);
    expect(await documents.upsert('8', { title: 'B' })).toMatchObject({ isNew: true });
  });

  it('documents.patch and remove compare the version; a missing document is a 404', async () => {
    expect((await conflict(() => documents.patch('42', { body: 'x' }, 4))).currentVersion).toBe(
      'v5',
    );
    expect((await conflict(() => documents.remove('42', 4))).currentVersion).toBe('v5');
    expect(await documents.get('42')).toMatchObject({
      body: 'How the status codes are chosen.',
      version: 5,
    });
    expect(await documents.patch('42', { body: 'x' }, 5)).toMatchObject({
      title: 'Design notes',
      body: 'x',
      version: 6,
    });
    await documents.remove('42', 6);
    await expect(documents.patch('42', { body: 'y' }, 6)).rejects.toThrow(DocumentNotFound);
    await expect(documents.remove('42', 6)).rejects.toThrow(DocumentNotFound);
  });

  it('users.replace at an old version changes nothing and answers the current one', async () => {
    expect((await users.replace('2', { name: 'G', email: 'grace@example.com' }, 1)).version).toBe(
      2,
    );
    const stale = await conflict(() =>
      users.replace('2', { name: 'H', email: 'grace@example.com' }, 1),
    );
    expect(stale.currentVersion).toBe('v2');
    expect(await users.find('2')).toMatchObject({ name: 'G', version: 2 });
    expect((await users.replace('2', { name: 'I', email: 'grace@example.com' })).version).toBe(3);
  });
});
