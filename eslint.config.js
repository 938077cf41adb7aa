import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/',
      'dist-bench/',
      'coverage/',
      '.cache/',
      '**/node_modules/',
      'examples/spa/api.d.ts', // generated from openapi.json
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The example SPA's code runs in the browser, its static server in Node.
    files: ['examples/spa/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['document', 'fetch', 'history', 'location', 'URL', 'URLSearchParams', 'WebSocket'].map(
          (g) => [g, 'readonly'],
        ),
      ),
    },
  },
  {
    files: ['examples/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(['console', 'process', 'URL'].map((g) => [g, 'readonly'])),
    },
  },
  {
    // The app, the bench and the examples use the library as another service would: by its
    // package name and published entry points only.
    ignores: ['packages/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'nest-keycloak-auth/*',
                '!nest-keycloak-auth/testing',
                '!nest-keycloak-auth/swagger',
                '!nest-keycloak-auth/websockets',
                '!nest-keycloak-auth/graphql',
              ],
              message:
                'Import nest-keycloak-auth by its entry points: ".", "./testing", "./swagger", "./websockets" or "./graphql".',
            },
            {
              group: ['**/packages/**'],
              message: 'Import the library by its package name, not by a path into packages/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      // supertest types response bodies and Nest's getHttpServer() as `any` by design.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  prettier,
);
