import { testPrincipal } from '../testing/test-principal.js';
import { OpenSockets } from './open-sockets.js';

describe('OpenSockets', () => {
  const alice = testPrincipal({ sub: 'alice' });
  const partnerAlice = testPrincipal({ sub: 'alice', realm: 'partners' });

  it('lets a principal open up to the limit, then refuses', () => {
    const sockets = new OpenSockets(2);
    expect(sockets.open(alice)).toBeDefined();
    expect(sockets.hasRoom(alice)).toBe(true);
    expect(sockets.open(alice)).toBeDefined();
    expect(sockets.hasRoom(alice)).toBe(false);
    expect(sockets.open(alice)).toBeUndefined();
  });

  it('frees a place when a socket is released, once however often release is called', () => {
    const sockets = new OpenSockets(1);
    const release = sockets.open(alice)!;
    release();
    release();
    expect(sockets.open(alice)).toBeDefined();
    expect(sockets.open(alice)).toBeUndefined();
  });

  it('counts the same sub of another realm apart', () => {
    const sockets = new OpenSockets(1);
    expect(sockets.open(alice)).toBeDefined();
    expect(sockets.open(partnerAlice)).toBeDefined();
  });
});
