/* global process, console */
// `npm run lint` step: schema.gql, the committed GraphQL contract, is a valid schema (graphql's
// own buildSchema: its SDL rules; validateSchema: the type system's) and is written exactly as
// `npm run graphql:schema` prints it (sorted, graphql's printer), so a hand edit shows here.
// Whether it is the schema the app serves is test/graphql-schema.e2e-spec.ts's to say.
import { buildSchema, lexicographicSortSchema, printSchema, validateSchema } from 'graphql';
import { readFileSync } from 'node:fs';

const FILE = 'schema.gql';
const text = readFileSync(FILE, 'utf8');
let schema;
try {
  schema = buildSchema(text);
} catch (error) {
  console.error(`${FILE}: ${error.message}`);
  process.exit(1);
}
const errors = validateSchema(schema);
if (errors.length > 0) {
  for (const error of errors) console.error(`${FILE}: ${error.message}`);
  process.exit(1);
}
if (`${printSchema(lexicographicSortSchema(schema))}\n` !== text) {
  console.error(`${FILE} is not as \`npm run graphql:schema\` writes it: run it again`);
  process.exit(1);
}
console.log(
  `${FILE}: valid, ${Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith('__')).length} types`,
);
