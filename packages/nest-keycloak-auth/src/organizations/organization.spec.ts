import { organizationsOf } from './organization.js';

describe('organizationsOf (the organization claim, every form Keycloak 26 writes)', () => {
  it('reads a list of aliases (scope organization, organization:*, organization:acme)', () => {
    expect(organizationsOf(['globex', 'acme'])).toEqual([{ alias: 'globex' }, { alias: 'acme' }]);
  });

  it('reads the object form with id and attributes, keyed by alias', () => {
    expect(
      organizationsOf({
        acme: { id: '62fc-1', tier: ['gold'], region: ['eu', 'us'] },
        globex: {},
      }),
    ).toEqual([
      { alias: 'acme', id: '62fc-1', attributes: { tier: ['gold'], region: ['eu', 'us'] } },
      { alias: 'globex' },
    ]);
  });

  it('reads attributes without an id (the mapper adds attributes only)', () => {
    expect(organizationsOf({ acme: { tier: ['gold'] } })).toEqual([
      { alias: 'acme', attributes: { tier: ['gold'] } },
    ]);
  });

  it.each([
    ['no claim', undefined],
    ['null', null],
    ['a bare string', 'acme'],
    ['a number', 7],
  ])('finds no organization in %s (fail closed)', (_label, claim) => {
    expect(organizationsOf(claim)).toEqual([]);
  });

  it('drops entries that are not aliases, and attribute values that are not strings', () => {
    expect(organizationsOf(['acme', '', 3, null, { alias: 'x' }])).toEqual([{ alias: 'acme' }]);
    expect(organizationsOf({ acme: { id: 5, tier: ['gold', 1], note: 'text' } })).toEqual([
      { alias: 'acme', attributes: { tier: ['gold'] } },
    ]);
  });
});
