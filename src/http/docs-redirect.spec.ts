import { docsFolderLocation, isDocsPath } from './docs-redirect.js';

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

describe('isDocsPath', () => {
  it.each(['/docs', '/docs/', '/DOCS/index.html', '/docs/swagger-ui-init.js', '/docs?x=1'])(
    'counts %s as Swagger UI',
    (url) => expect(isDocsPath(url)).toBe(true),
  );

  it.each(['/docs-json', '/documents', '/items', '/'])('counts %s as the API', (url) =>
    expect(isDocsPath(url)).toBe(false),
  );
});
