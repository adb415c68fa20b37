import { createRequire } from 'node:module';
import type { Ajv as AjvClass } from 'ajv';

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
}

// ajv is CommonJS with a `default` export; require() sidesteps the ESM interop differences.
const require = createRequire(import.meta.url);
const Ajv = (require('ajv') as { default: new (opts: object) => AjvClass }).default;
const addFormats = require('ajv-formats') as (ajv: AjvClass) => void;

/** Checks real responses against the API's own OpenAPI document. */
export class OpenApiValidator {
  private readonly ajv: AjvClass;
  constructor(readonly doc: OpenApiDoc) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      this.ajv.addSchema(schema, `#/components/schemas/${name}`);
    }
  }

  static async load(apiUrl: string): Promise<OpenApiValidator> {
    return new OpenApiValidator((await (await fetch(`${apiUrl}/docs/json`)).json()) as OpenApiDoc);
  }

  /** Undefined when the response matches; otherwise what is wrong. */
  problem(
    method: string,
    path: string,
    status: number,
    contentType: string,
    body: unknown,
  ): string | undefined {
    const spec = this.doc.paths[path]?.[method]?.responses[String(status)];
    if (!spec) return `${method} ${path} answered ${status}, which is not documented`;
    const media = contentType.split(';')[0]!.trim();
    const content =
      spec.content?.[media] ??
      (media === 'application/json' ? undefined : spec.content?.['application/json']);
    if (!content) return `${method} ${path} ${status} documents no ${media} content`;
    if (media !== 'application/json') return undefined;
    const validate = this.ajv.compile(content.schema);
    return validate(body)
      ? undefined
      : `${method} ${path} ${status}: ${this.ajv.errorsText(validate.errors)}`;
  }
}
