import { readFileSync } from 'node:fs';
import { AUTH_ENVIRONMENT } from 'nest-keycloak-auth';
import { AppEnv } from './app.config.js';

/** Variables the app reads itself besides AppEnv: production rules (src/config/keycloak.config.ts). */
const PRODUCTION_RULES: Record<string, string> = { KEYCLOAK_ALLOW_HTTP: 'false', NODE_ENV: '' };

/** docs/configuration.md's app-configuration rows as [variable, default] pairs. */
function readmeRows(): Array<[string, string]> {
  const text = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const table = text.split('<!-- app-config:start -->')[1]?.split('<!-- app-config:end -->')[0];
  return (table ?? '')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [variable, dflt] = line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim());
      // '—' is the table's way of saying "unset".
      return [variable.replace(/`/g, ''), dflt === '—' ? '' : dflt.replace(/`/g, '')];
    });
}

describe('README configuration table', () => {
  const code: Record<string, string> = {
    ...(Object.fromEntries(Object.entries(new AppEnv())) as Record<string, string>),
    ...PRODUCTION_RULES,
  };

  it('lists exactly the variables the app reads, with the defaults the code applies', () => {
    expect(Object.fromEntries(readmeRows())).toEqual(code);
  });

  it("leaves the library's variables to the library's own table", () => {
    const library = new Set(AUTH_ENVIRONMENT.map((spec) => spec.variable));
    expect(readmeRows().filter(([variable]) => library.has(variable))).toEqual([]);
  });
});
