import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { operationLimits } from './operation-limits.rule.js';

const schema = buildSchema(`
  type Node { id: Int, child: Node }
  type Query { node: Node }
`);
const rules = [...specifiedRules, operationLimits({ maxDepth: 3, maxFields: 5 })];
const errorsOf = (query: string) => validate(schema, parse(query), rules).map((e) => e.message);

describe('operationLimits', () => {
  it.each([
    '{ node { child { id } } }',
    '{ a: node { id } b: node { id } }',
    '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }',
    'query { node { ...F } } fragment F on Node { child { id } }',
  ])('lets %s through', (query) => {
    expect(errorsOf(query)).toEqual([]);
  });

  it('refuses an operation nested deeper than allowed, fragments included', () => {
    expect(errorsOf('{ node { ...F } } fragment F on Node { child { child { id } } }')).toEqual([
      'The operation is 4 fields deep and selects 4 fields; the limits are 3 and 5',
    ]);
  });

  it('refuses an operation selecting more fields than allowed, aliases counted', () => {
    expect(errorsOf('{ a: node { id } b: node { id } c: node { id } }')).toEqual([
      'The operation is 2 fields deep and selects 6 fields; the limits are 3 and 5',
    ]);
  });
});
