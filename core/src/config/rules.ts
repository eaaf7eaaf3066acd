import { ERR_CONFIG_INVALID } from '../errors.js'

/**
 * Rules on the environment as a whole, checked while the app is built: `operator start` and `operator config check`
 * (and every other way of building the daemon) refuse or warn about exactly the same things.
 */
export interface EnvRulesInput {
  readonly NODE_ENV: string
  readonly TWILIO_AUTH_TOKEN: string
  readonly AUTHORIZED_NUMBERS: string
}

const KNOWN_NODE_ENVS = ['development', 'production', 'test']

/** Settings that are unsafe in production: the reason, or undefined when all is well. */
export function productionProblem (env: EnvRulesInput): string | undefined {
  if (env.NODE_ENV !== 'production') return undefined
  const missing = [
    env.TWILIO_AUTH_TOKEN === '' ? 'TWILIO_AUTH_TOKEN' : undefined,
    env.AUTHORIZED_NUMBERS === '' ? 'AUTHORIZED_NUMBERS' : undefined
  ].filter((v) => v !== undefined)
  return missing.length === 0 ? undefined : `NODE_ENV=production needs ${missing.join(' and ')}`
}

/** Throws the first rule broken; returns the warnings to log (each one line). */
export function checkEnvRules (env: EnvRulesInput): string[] {
  const problem = productionProblem(env)
  if (problem !== undefined) throw new ERR_CONFIG_INVALID('the environment', problem)
  const warnings: string[] = []
  if (env.NODE_ENV !== '' && !KNOWN_NODE_ENVS.includes(env.NODE_ENV)) {
    const shown = env.NODE_ENV.length > 40 ? `${env.NODE_ENV.slice(0, 40)}...` : env.NODE_ENV
    warnings.push(`NODE_ENV is '${shown}', which is not development, production or test: production rules and logging do not apply`)
  }
  return warnings
}
