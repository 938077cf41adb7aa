import { docsFolderLocation } from './docs-redirect.js';

describe('docsFolderLocation', () => {
  it.each([
    ['GET', '/docs', 'docs/'],
    ['HEAD', '/docs', 'docs/'],
    ['GET', '/docs?x=1', 'docs/?x=1'],
  ])('sends %s %s to %s', (method, url, location) => {
    expect(docsFolderLocation(method, url)).toBe(location);
  });

  it.each([
    ['GET', '/docs/'],
    ['GET', '/docs-json'],
    ['GET', '/docs/swagger-ui-init.js'],
    ['POST', '/docs'],
    ['GET', '/items'],
  ])('leaves %s %s alone', (method, url) => {
    expect(docsFolderLocation(method, url)).toBeUndefined();
  });
});
