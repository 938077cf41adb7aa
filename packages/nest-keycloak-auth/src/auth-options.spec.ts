import { readFileSync } from 'node:fs';
import { AUTH_OPTIONS } from './auth-options.js';

/** The `@default` each option's JSDoc states, by option name. */
function documentedDefaults(): Map<string, string> {
  const source = readFileSync(new URL('./auth-options.ts', import.meta.url), 'utf8');
  const found = new Map<string, string>();
  for (const [, doc, name] of source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+):/g)) {
    const dflt = /@default (.+?)\s*(?:\n|$)/.exec(doc.replace(/\s*\*?\s*$/, ''));
    if (dflt) found.set(name, dflt[1]);
  }
  return found;
}

/** How a JSDoc `@default` writes a value. */
const written = (value: unknown): string =>
  typeof value === 'string'
    ? `'${value}'`
    : Array.isArray(value)
      ? `[${value.map(written).join(', ')}]`
      : String(value);

describe('AUTH_OPTIONS', () => {
  const withDefaults = Object.entries(AUTH_OPTIONS).flatMap(([name, option]) =>
    'default' in option ? [[name, option.default] as const] : [],
  );

  it.each(withDefaults)('documents the default of %s as the table declares it', (name, dflt) => {
    expect(documentedDefaults().get(name)).toBe(written(dflt));
  });
});
