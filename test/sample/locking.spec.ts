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

  function conflict(write: () => unknown): VersionMismatchError {
    try {
      write();
    } catch (error) {
      if (error instanceof VersionMismatchError) return error;
      throw error;
    }
    throw new Error('expected a VersionMismatchError');
  }

  it('documents.upsert at the current version updates, at an old one answers the current version', () => {
    expect(documents.upsert('42', { title: 'A' }, 5)).toMatchObject({
      isNew: false,
      document: { title: 'A', version: 6 },
    });
    const stale = conflict(() => documents.upsert('42', { title: 'B' }, 5));
    expect([stale.currentVersion, stale.message]).toEqual([
      'v6',
      'Resource was modified. Current version is v6.',
    ]);
    expect(documents.get('42')).toMatchObject({ title: 'A', version: 6 });
  });

  it('documents.upsert checked absent creates once; a second create-only write conflicts', () => {
    expect(documents.upsert('7', { title: 'First' }, null)).toMatchObject({
      isNew: true,
      document: { id: 7, title: 'First', version: 1 },
    });
    const again = conflict(() => documents.upsert('7', { title: 'Second' }, null));
    expect([again.currentVersion, again.message]).toEqual([
      'v1',
      'Resource already exists. Current version is v1.',
    ]);
    expect(documents.get('7').title).toBe('First');
  });

  it('documents.upsert at a version of a document that is gone: currentVersion null', () => {
    documents.remove('42');
    const gone = conflict(() => documents.upsert('42', { title: 'A' }, 5));
    expect(gone.currentVersion).toBeNull();
    expect(documents.find('42')).toBeUndefined();
  });

  it('documents.upsert unchecked writes whatever is there', () => {
    expect(documents.upsert('42', { title: 'A' }).document.version).toBe(6);
    expect(documents.upsert('8', { title: 'B' })).toMatchObject({ isNew: true });
  });

  it('documents.patch and remove compare the version; a missing document is a 404', () => {
    expect(conflict(() => documents.patch('42', { body: 'x' }, 4)).currentVersion).toBe('v5');
    expect(conflict(() => documents.remove('42', 4)).currentVersion).toBe('v5');
    expect(documents.get('42')).toMatchObject({
      body: 'How the status codes are chosen.',
      version: 5,
    });
    expect(documents.patch('42', { body: 'x' }, 5)).toMatchObject({
      title: 'Design notes',
      body: 'x',
      version: 6,
    });
    documents.remove('42', 6);
    expect(() => documents.patch('42', { body: 'y' }, 6)).toThrow(DocumentNotFound);
    expect(() => documents.remove('42', 6)).toThrow(DocumentNotFound);
  });

  it('users.replace at an old version changes nothing and answers the current one', () => {
    expect(users.replace('2', { name: 'G', email: 'grace@example.com' }, 1).version).toBe(2);
    const stale = conflict(() => users.replace('2', { name: 'H', email: 'grace@example.com' }, 1));
    expect(stale.currentVersion).toBe('v2');
    expect(users.find('2')).toMatchObject({ name: 'G', version: 2 });
    expect(users.replace('2', { name: 'I', email: 'grace@example.com' }).version).toBe(3);
  });
});
