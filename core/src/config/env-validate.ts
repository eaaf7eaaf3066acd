import { compileSchema, errorsText } from './ajv.js'
import { envSchema, type OperatorEnv } from './env-schema.js'
import { envSchemaError } from './env-values.js'

const KNOWN_VARIABLES = Object.keys(envSchema.properties)

/**
 * The environment validated against `envSchema`: strings coerced to the schema's types, defaults filled in, variables
 * the schema does not name left out, as @fastify/env did. Done here with the shared Ajv (or its cached validator): env-schema built an Ajv of its
 * own and compiled an options schema at import, which cost start-up ~60 ms and ~5 MiB. Only `env` is read (the daemon
 * passes process.env over `.env`; a test passes its own). A bad value throws one line naming the variable.
 */
export function validateEnv (env: Readonly<Record<string, string | undefined>>): OperatorEnv {
  const values: Record<string, unknown> = {}
  for (const name of KNOWN_VARIABLES) if (Object.hasOwn(env, name)) values[name] = env[name]
  const validate = compileSchema(envSchema)
  if (!validate(values)) {
    const errors = validate.errors!
    throw envSchemaError(Object.assign(new Error(errorsText(errors, { dataVar: 'env' })), { errors }), env)
  }
  return values as OperatorEnv
}
