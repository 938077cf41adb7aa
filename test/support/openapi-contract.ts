import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document a contract check reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseSpec> }>>;
  components?: { schemas?: Record<string, unknown> };
}

interface ResponseSpec {
  description: string;
  headers?: Record<string, { required?: boolean; schema?: { type?: string } }>;
  content?: Record<string, MediaSpec>;
}

interface MediaSpec {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

/** What a check reads of an HTTP answer; supertest's Response fits. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

/** Where the component schemas live for Ajv, so the document's `$ref`s resolve. */
const COMPONENTS_ID = 'openapi-components';

/**
 * Checks HTTP answers against an OpenAPI 3.0 document with Ajv (JSON Schema, plus the
 * formats OpenAPI names): the status is documented for the operation, the body matches that
 * response's schema (or is empty when it declares none), and every required header is sent
 * and every declared one sent matches its schema.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv({ allErrors: true, strict: true });
  private readonly document: OpenApiDocument;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    // OpenAPI points at '#/components/schemas/X'; Ajv resolves refs against a schema's own id.
    const rewritten = JSON.stringify(document).replaceAll(
      '"#/components/schemas/',
      `"${COMPONENTS_ID}#/definitions/`,
    );
    this.document = JSON.parse(rewritten) as OpenApiDocument;
    formats.default(this.ajv);
    // OpenAPI's annotations that JSON Schema draft-07 lacks; strict mode refuses unknown ones.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs']);
    this.ajv.addSchema({ $id: COMPONENTS_ID, definitions: this.document.components?.schemas });
  }

  /** What is wrong with `answer` to `method url`; empty when it keeps the contract. */
  problems(method: string, url: string, answer: Answer): string[] {
    const found = this.operation(method.toLowerCase(), url.split('?', 1)[0]);
    if (typeof found === 'string') return [found];
    const { route, responses } = found;
    const spec = responses[answer.status] ?? responses[`${String(answer.status)[0]}XX`];
    if (!spec) {
      const documented = Object.keys(responses).join(', ');
      return [`${route}: status ${answer.status} is not documented (only ${documented})`];
    }
    const where = `${route} → ${answer.status}`;
    return [
      ...this.bodyProblems(`${where} body`, spec, answer),
      ...this.headerProblems(where, spec, answer),
    ];
  }

  /**
   * What is wrong with the document's own error examples: each example of a 4xx/5xx response
   * must match that response's schema and carry that response's status as `statusCode`.
   */
  exampleProblems(): string[] {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(this.document.paths)) {
      for (const [method, { responses }] of Object.entries(item)) {
        for (const [status, spec] of Object.entries(responses)) {
          if (Number(status) < 400) continue;
          const where = `${method.toUpperCase()} ${path} → ${status} example`;
          problems.push(...this.mediaExampleProblems(where, Number(status), spec));
        }
      }
    }
    return problems;
  }

  private mediaExampleProblems(where: string, status: number, spec: ResponseSpec): string[] {
    const problems: string[] = [];
    for (const media of Object.values(spec.content ?? {})) {
      const values = [
        ...(media.example === undefined ? [] : [media.example]),
        ...Object.values(media.examples ?? {}).map((example) => example.value),
      ];
      if (values.length === 0) problems.push(`${where}: none`);
      for (const value of values) {
        problems.push(...this.schemaProblems(where, media.schema, value));
        const statusCode = (value as { statusCode?: unknown } | undefined)?.statusCode;
        if (statusCode !== status) problems.push(`${where}: statusCode ${String(statusCode)}`);
      }
    }
    return problems;
  }

  private operation(method: string, path: string) {
    for (const [template, item] of Object.entries(this.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      if (pattern.test(path) && item[method]) {
        return { route: `${method.toUpperCase()} ${template}`, responses: item[method].responses };
      }
    }
    return `${method.toUpperCase()} ${path} is not in the document`;
  }

  private bodyProblems(where: string, spec: ResponseSpec, answer: Answer): string[] {
    const declared = Object.keys(spec.content ?? {});
    if (declared.length === 0) {
      return answer.text ? [`${where}: sent, but the document declares none`] : [];
    }
    const type = String(answer.headers['content-type'] ?? '')
      .split(';', 1)[0]
      .trim();
    if (!declared.includes(type)) {
      return [`${where}: Content-Type ${type || '(none)'}, documented ${declared.join(', ')}`];
    }
    const schema = spec.content?.[type]?.schema;
    if (schema === undefined) return [];
    return this.schemaProblems(where, schema, answer.body);
  }

  private headerProblems(where: string, spec: ResponseSpec, answer: Answer): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries(spec.headers ?? {})) {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`${where}: required header ${name} missing`);
        continue;
      }
      if (header.schema === undefined) continue;
      // Header values are text; the schema describes the value they carry.
      const text = String(value);
      const typed = ['integer', 'number'].includes(header.schema.type ?? '') ? Number(text) : text;
      problems.push(...this.schemaProblems(`${where} header ${name}`, header.schema, typed, text));
    }
    return problems;
  }

  private schemaProblems(where: string, schema: unknown, value: unknown, sent?: string): string[] {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) this.validators.set(key, (validate = this.ajv.compile(schema as object)));
    if (validate(value)) return [];
    const errors = this.ajv.errorsText(validate.errors, { dataVar: 'value' });
    return [`${where}: ${errors}, in ${sent ?? JSON.stringify(value)}`];
  }
}
