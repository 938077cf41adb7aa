import { readFileSync } from 'node:fs';
import { AUTH_ENVIRONMENT, type OptionSpec } from './auth-options.js';

/** The README's options table, cell by cell, between its two marker comments. */
function readmeRows(): string[][] {
  const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const table = text.split('<!-- options:start -->')[1]?.split('<!-- options:end -->')[0] ?? '';
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

/** How the README writes the default and the values of an option. */
function expectedCells(spec: OptionSpec): string[] {
  const dflt =
    spec.default === undefined ? '—' : spec.default === '' ? '(empty)' : `\`${spec.default}\``;
  const values =
    spec.kind === 'integer'
      ? `${spec.min}–${spec.max}`
      : spec.kind === 'boolean'
        ? '`true`, `false`'
        : spec.kind === 'list'
          ? 'comma-separated'
          : spec.kind;
  return [`\`${spec.variable}\``, `\`${spec.option}\``, dflt, values];
}

describe('README options table', () => {
  it('lists every option once, in the order of AUTH_ENVIRONMENT', () => {
    expect(readmeRows().map((row) => row[0])).toEqual(
      AUTH_ENVIRONMENT.map((spec) => `\`${spec.variable}\``),
    );
  });

  it.each(AUTH_ENVIRONMENT.map((spec) => [spec.variable, spec]))(
    'states the option, default and values of %s as the library does',
    (variable, spec) => {
      const row = readmeRows().find((cells) => cells[0] === `\`${variable}\``);
      expect(row?.slice(0, 4)).toEqual(expectedCells(spec));
    },
  );

  it.each(AUTH_ENVIRONMENT.map((spec) => [spec.variable, spec]))(
    'says what %s does in the words of the table',
    (variable, spec) => {
      const row = readmeRows().find((cells) => cells[0] === `\`${variable}\``);
      expect(row?.[4]).toBe(spec.description);
    },
  );
});
