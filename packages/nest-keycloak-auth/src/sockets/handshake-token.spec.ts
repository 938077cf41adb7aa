import { AuthErrorCode } from '../errors/auth-error.js';
import { handshakeToken } from './handshake-token.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

function handshake(headers: Record<string, string>, url = '/ws') {
  return { headers, url };
}

describe('handshakeToken', () => {
  it('reads Authorization: Bearer (servers)', () => {
    expect(handshakeToken(handshake({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
  });

  it('reads the value after `bearer` in Sec-WebSocket-Protocol (browsers)', () => {
    const request = handshake({ 'sec-websocket-protocol': `bearer, ${TOKEN}` });
    expect(handshakeToken(request)).toBe(TOKEN);
  });

  it('ignores other subprotocols around it', () => {
    const request = handshake({ 'sec-websocket-protocol': `chat, bearer, ${TOKEN}, json` });
    expect(handshakeToken(request)).toBe(TOKEN);
  });

  it.each([
    ['no credentials', handshake({})],
    ['only other subprotocols', handshake({ 'sec-websocket-protocol': 'chat' })],
    ['a token only in the URL (never read there)', handshake({}, `/ws?access_token=${TOKEN}`)],
  ])('finds no token with %s', (_case, request) => {
    expect(() => handshakeToken(request)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MissingToken }),
    );
  });

  it.each([
    [
      'both carriers',
      { authorization: `Bearer ${TOKEN}`, 'sec-websocket-protocol': `bearer, ${TOKEN}` },
      '/ws',
    ],
    ['the header and the URL', { authorization: `Bearer ${TOKEN}` }, `/ws?access_token=${TOKEN}`],
    [
      'the subprotocol and the URL',
      { 'sec-websocket-protocol': `bearer, ${TOKEN}` },
      `/ws?access_token=x`,
    ],
  ])('refuses a token sent twice (%s) as an invalid request', (_case, headers, url) => {
    expect(() => handshakeToken(handshake(headers, url))).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidRequest }),
    );
  });

  it('refuses `bearer` with no token after it as malformed', () => {
    const request = handshake({ 'sec-websocket-protocol': 'bearer' });
    expect(() => handshakeToken(request)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MalformedToken }),
    );
  });

  it('refuses the DPoP scheme: no proof can accompany each message', () => {
    expect(() => handshakeToken(handshake({ authorization: `DPoP ${TOKEN}` }))).toThrow(
      expect.objectContaining({ code: AuthErrorCode.BoundTokenOnSocket }),
    );
  });
});
