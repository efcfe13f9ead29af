import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<Compilers['buildValidator']>;
type SerializerFactory = NonNullable<Compilers['buildSerializer']>;

/** Fastify's own dependencies, resolved from where Fastify is installed. */
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

let validator: ValidatorFactory | undefined;
let serializer: SerializerFactory | undefined;

/**
 * Fastify's default schema compilers (Ajv, fast-json-stringify), loaded when a route first declares a JSON schema.
 * No route does (request bodies are zod schemas checked in the handlers), so the server never holds them; given no
 * compilers, Fastify requires both when an instance is created (≈ 110 modules, ≈ 1.2 MB of heap).
 */
export const lazySchemaCompilers: Compilers = {
  buildValidator: (externalSchemas, options) => (validator ??= (fromFastify('@fastify/ajv-compiler') as () => ValidatorFactory)())(externalSchemas, options),
  buildSerializer: (externalSchemas, options) => (serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)())(externalSchemas, options),
};
