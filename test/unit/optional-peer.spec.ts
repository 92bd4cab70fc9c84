import { MissingPeerError, requireOptionalPeer } from '../../lib/platform/optional-peer';

jest.mock(
  'nestjs-status-broken-peer',
  () => {
    // A peer that is installed but cannot load one of its own dependencies.
    throw Object.assign(new Error("Cannot find module 'its-own-dependency'"), {
      code: 'MODULE_NOT_FOUND',
    });
  },
  { virtual: true },
);

describe('requireOptionalPeer', () => {
  it('loads a peer that is installed', () => {
    expect(requireOptionalPeer<typeof import('rxjs')>('rxjs', 'anything').of).toEqual(
      expect.any(Function),
    );
  });

  it('fails with one line naming the package to install when the peer is missing', () => {
    const load = () => requireOptionalPeer('nestjs-status-absent-peer', 'rateLimit');
    expect(load).toThrow(MissingPeerError);
    expect(load).toThrow(
      /^nestjs-status: rateLimit needs nestjs-status-absent-peer\. Run: npm i nestjs-status-absent-peer$/,
    );
    try {
      load();
    } catch (error) {
      expect((error as Error).stack).toBe(
        'MissingPeerError: nestjs-status: rateLimit needs nestjs-status-absent-peer. Run: npm i nestjs-status-absent-peer',
      );
    }
  });

  it('throws a broken install of the peer as it is', () => {
    expect(() => requireOptionalPeer('nestjs-status-broken-peer', 'rateLimit')).toThrow(
      "Cannot find module 'its-own-dependency'",
    );
  });
});
