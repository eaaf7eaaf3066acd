import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
/** Both packages export a selector that returns the factory Fastify calls; their exact overloads are Fastify's. */
type Factory = (externalSchemas: unknown, options: unknown) => unknown

const require = createRequire(import.meta.url)

/** The factory from `pkg`, required the first time it is called. */
function onFirstCall (pkg: string): Factory {
  let factory: Factory | undefined
  return (externalSchemas, options) => {
    factory ??= (require(pkg) as () => Factory)()
    return factory(externalSchemas, options)
  }
}

/**
 * Fastify's own schema compilers (@fastify/ajv-compiler, @fastify/fast-json-stringify-compiler), loaded when a route
 * with a schema first needs one rather than when the app is built: Fastify requires both up front, about 50 ms of
 * every start-up, and none of Operator's own routes has a schema. A plugin route with one still gets exactly them.
 */
export function lazySchemaCompilers (): CompilersFactory {
  return {
    buildValidator: onFirstCall('@fastify/ajv-compiler'),
    buildSerializer: onFirstCall('@fastify/fast-json-stringify-compiler')
  } as CompilersFactory
}
