import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { peekState, stateOf } from '../../lib/request-state';

describe('request state', () => {
  it("keeps a Node request's state beside it, adding nothing to the request itself", () => {
    const request = new IncomingMessage(new Socket());
    const own = Reflect.ownKeys(request);
    expect(peekState(request)).toBeUndefined();
    const state = stateOf(request);
    state.requestId = 'req_1';
    expect(stateOf(request)).toBe(state);
    expect(peekState(request)?.requestId).toBe('req_1');
    expect(Reflect.ownKeys(request)).toEqual(own);
  });

  it('keeps any other request object (Fastify) state on the object, one per request', () => {
    const a = {};
    const b = {};
    stateOf(a).deleteMissing = 204;
    expect(stateOf(a).deleteMissing).toBe(204);
    expect(peekState(b)).toBeUndefined();
    expect(stateOf(b).deleteMissing).toBeUndefined();
    expect(Object.getOwnPropertySymbols(a)).toHaveLength(1);
  });

  it('gives every state the same members from the start', () => {
    expect(Object.keys(stateOf({})).sort()).toEqual(
      [
        'auth',
        'authGuardRan',
        'conditionalApplied',
        'creation',
        'deleteMissing',
        'noAutoEtag',
        'requestId',
        'throttle',
      ].sort(),
    );
  });
});
