#!/usr/bin/env node
/* global process, console, URL */
// `node scripts/openapi-client.mjs [--check]`: generates the example SPA's typed client,
// examples/spa/api.d.ts, from the committed contract openapi.json with openapi-typescript
// (openapi-fetch reads these types). `npm run openapi` writes both files; `npm run lint` runs
// this with --check, which fails when the committed types are not what openapi.json gives.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const source = new URL('../openapi.json', import.meta.url);
const target = fileURLToPath(new URL('../examples/spa/api.d.ts', import.meta.url));
const header =
  '// Generated from openapi.json by scripts/openapi-client.mjs (openapi-typescript): do not edit.\n' +
  '// `npm run openapi` rewrites it; `npm run lint` fails when it is stale.\n\n';

const generated = header + astToString(await openapiTS(source));

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (committed !== generated) {
    console.error(
      'examples/spa/api.d.ts is stale: it is not what openapi.json generates. Run `npm run openapi`.',
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, generated);
  console.log('Wrote examples/spa/api.d.ts');
}
