import { refusesBody } from './json-body.js';

describe('refusesBody', () => {
  const body = (type?: string) => ({
    'content-length': '12',
    ...(type === undefined ? {} : { 'content-type': type }),
  });

  it.each([
    ['POST', '/items', body('application/json')],
    ['PATCH', '/items/1', body('application/json; charset=utf-8')],
    ['POST', '/items', body('application/merge-patch+json')],
    ['POST', '/items', { 'content-length': '0', 'content-type': 'text/plain' }],
    ['POST', '/items', {}],
    ['GET', '/items', body('text/plain')],
    ['DELETE', '/items/1', body('text/plain')],
    ['POST', '/auth/backchannel-logout', body('application/x-www-form-urlencoded')],
  ])('lets %s %s %j through', (method, url, headers) => {
    expect(refusesBody(method, url, headers)).toBe(false);
  });

  it.each([
    ['POST', '/items', body('application/x-www-form-urlencoded')],
    ['POST', '/items', body('text/plain')],
    ['POST', '/items', body()],
    ['PUT', '/items/1', { 'transfer-encoding': 'chunked', 'content-type': 'text/csv' }],
    ['POST', '/auth/backchannel-logout', body('text/plain')],
    ['POST', '/items?x=/auth/backchannel-logout', body('application/x-www-form-urlencoded')],
  ])('refuses %s %s %j', (method, url, headers) => {
    expect(refusesBody(method, url, headers)).toBe(true);
  });
});
