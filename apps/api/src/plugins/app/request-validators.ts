import { AjvCompiler, type RouteDefinition, type ValidatorFactory } from '@fastify/ajv-compiler';

// At run time Fastify calls a compiler with the route (schema, httpPart …); the package's typings
// describe it as taking the schema alone.
type RouteCompiler = (route: RouteDefinition) => unknown;
type Externals = Parameters<ReturnType<typeof AjvCompiler>>[0];
type Options = Parameters<ReturnType<typeof AjvCompiler>>[1];

// Unknown fields are errors, never silently dropped; defaults fill in what the caller left out.
const common = { removeAdditional: false, useDefaults: true } as const;

/**
 * Two validators by request part. Querystrings, path parameters and headers arrive as text, so they are
 * coerced to the schema's types (`?limit=5` → 5, `?ids=a` → ['a']). A JSON body already carries its
 * types: there `"2"` for a number or `"a,b"` for a list is a caller's mistake and is refused, not
 * guessed at. Both compilers see the shared schemas (`app.addSchema`) that Fastify passes in.
 */
// One factory for the process: it caches an Ajv instance per set of external schemas and options.
const factory = AjvCompiler();

function buildRequestValidator(externalSchemas: Externals, options?: Options): RouteCompiler {
  const plugins = options?.plugins ?? [];
  const compiler = (coerceTypes: false | 'array') =>
    factory(externalSchemas, {
      plugins,
      customOptions: { ...common, coerceTypes },
    }) as unknown as RouteCompiler;
  const strict = compiler(false);
  const coercing = compiler('array');
  return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
}

export const requestValidatorFactory = buildRequestValidator as unknown as ValidatorFactory;
