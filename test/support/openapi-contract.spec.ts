import { OpenApiContract, type Answer, type OpenApiDocument } from './openapi-contract.js';

const ERROR = { $ref: '#/components/schemas/ApiError' };
const DOCUMENT: OpenApiDocument = {
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          '200': {
            description: 'A thing',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '204': { description: 'Nothing' },
          '503': {
            description: 'Down',
            headers: { 'Retry-After': { required: true, schema: { type: 'integer' } } },
            content: { 'application/json': { schema: ERROR } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'at'],
        properties: {
          id: { type: 'integer', example: 1 },
          at: { type: 'string', format: 'date-time' },
        },
      },
      ApiError: {
        type: 'object',
        required: ['message'],
        properties: {
          message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        },
      },
    },
  },
};

function answer(status: number, body: unknown, headers: Answer['headers'] = {}): Answer {
  const text = body === undefined ? '' : JSON.stringify(body);
  const json = body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' };
  return { status, body, text, headers: { ...json, ...headers } };
}

describe('OpenApiContract', () => {
  const contract = new OpenApiContract(DOCUMENT);
  const problems = (a: Answer, url = '/things/7?x=1') => contract.problems('GET', url, a);

  it('passes answers that keep the contract', () => {
    expect(problems(answer(200, { id: 7, at: '2026-12-01T10:00:00.000Z' }))).toEqual([]);
    expect(problems(answer(204, undefined))).toEqual([]);
    expect(problems(answer(503, { message: ['a', 'b'] }, { 'retry-after': '30' }))).toEqual([]);
  });

  it.each([
    ['an unknown route', answer(200, {}), '/other', /GET \/other is not in the document/],
    ['an undocumented status', answer(404, { message: 'x' }), undefined, /404 is not documented/],
    ['a body off its schema', answer(200, { id: 'seven' }), undefined, /must be integer/],
    ['a bad date-time', answer(200, { id: 1, at: 'monday' }), undefined, /must match format/],
    ['a body where none is declared', answer(204, { id: 1 }), undefined, /declares none/],
    ['a missing required header', answer(503, { message: 'x' }), undefined, /Retry-After missing/],
    [
      'a header off its schema',
      answer(503, { message: 'x' }, { 'retry-after': 'soon' }),
      undefined,
      /header Retry-After: value must be integer, in soon/,
    ],
  ])('reports %s', (_label, a, url, expected) => {
    expect(problems(a, url).join('\n')).toMatch(expected);
  });
});
