// The compiled-validator cache: a validator loaded from the disk cache decides exactly as a fresh Ajv compile does
// (verdicts, coerced values, defaults, error objects and the `expected` wording), a start with a warm cache compiles
// nothing and never loads Ajv for it (Fastify still loads the module itself, for route schemas), and a cache that
// cannot be written or read never stops a start.
import t, { type Test } from 'tap'
import { Ajv, type AnySchema, type ErrorObject } from 'ajv'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileSchema, errorExpectation, errorKey, errorsText } from '../src/config/ajv.js'
import { envSchema } from '../src/config/env-schema.js'
import { configFileSchema } from '../src/config/file.js'
import { smsSectionSchema } from '../src/channels/sms/settings.js'

const RECORDER = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url))
const COMPILES = fileURLToPath(new URL('./fixtures/record-ajv-compiles.mjs', import.meta.url))
const APP = fileURLToPath(new URL('../dist/app.js', import.meta.url))
const WARM = fileURLToPath(new URL('../bin/warm-validators.js', import.meta.url))
const PLUGINS = ['prometheus', 'datadog', 'logs', 'database', 'gateway', 'interpreter'].map((p) => `@operator/plugin-${p}`)
/**
 * Schemas compiled at start with every first-party plugin: the environment, the config file, its sms section, 5 monitor
 * plugins, the interpreter and the built-in commands (their `people` names).
 */
const SCHEMAS = 10

function tempDir (t: Test, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** A fresh Ajv with the options core uses (without `code.source`, which changes nothing a validator decides). */
function freshCompile (schema: AnySchema, coerceTypes: boolean): ReturnType<Ajv['compile']> {
  const ajv = new Ajv({ allErrors: false, useDefaults: true, coerceTypes, strict: false, verbose: true, validateSchema: false, code: { optimize: false } })
  return ajv.compile(structuredClone(schema))
}

/** Inputs for a schema: empty, each property alone with good and bad values of each type, and all of them at once. */
function inputs (schema: AnySchema, valid: readonly object[]): unknown[] {
  const properties = Object.keys((schema as { properties?: object }).properties ?? {})
  const values: unknown[] = ['garbage', '', '0', '5', '-1', '99999999', 'true', 'false', 'https://example.com', 'http://127.0.0.1:9',
    '+15551234567', 'info', 'production', 5, -1, 0.5, true, null, [], ['a'], {}, { a: 'b' }]
  const out: unknown[] = [{}, 'not an object', [], null]
  for (const name of properties) for (const value of values) out.push({ [name]: value })
  out.push(Object.fromEntries(properties.map((p) => [p, 'garbage'])))
  out.push(Object.fromEntries(properties.map((p) => [p, '5'])))
  out.push({ notASetting: 1 })
  // Each property's values over a valid config, for schemas with required keys.
  for (const base of valid) {
    out.push(base)
    for (const name of properties) for (const value of values) out.push({ ...base, [name]: value })
  }
  return out
}

interface Verdict { valid: boolean, data: unknown, errors: unknown, words: string[], text: string }

function verdict (validate: (data: unknown) => boolean, errorsOf: () => ErrorObject[] | null | undefined, input: unknown): Verdict {
  const data = structuredClone(input)
  const valid = validate(data)
  const errors = errorsOf() ?? []
  return {
    valid, data, errors: structuredClone(errors),
    words: errors.map((e) => `${errorKey(e)} ${errorExpectation(e)}`),
    text: errorsText(errors, { dataVar: 'env' })
  }
}

t.test('a cached validator decides exactly as a fresh Ajv compile, for core schemas and every first-party plugin', async (t) => {
  const dir = tempDir(t, 'operator-validators-')
  process.env.OPERATOR_CACHE_DIR = dir
  t.teardown(() => { delete process.env.OPERATOR_CACHE_DIR })

  const LOCAL = 'http://127.0.0.1:9'
  const valid: Record<string, object[]> = {
    '@operator/plugin-logs': [{ type: 'loki', url: LOCAL }, { type: 'elasticsearch', url: LOCAL }, { type: 'cloudwatch', url: LOCAL, region: 'us-east-1', logGroups: '/a' }],
    '@operator/plugin-gateway': [{ type: 'kong', url: LOCAL }, { type: 'aws', url: LOCAL, region: 'us-east-1', apiName: 'shop', stage: 'prod' }],
    '@operator/plugin-prometheus': [{ url: LOCAL }],
    '@operator/plugin-database': [{ type: 'postgres', url: 'postgres://operator@127.0.0.1:9/app' }],
    '@operator/plugin-datadog': [{ apiKey: 'k', appKey: 'k' }]
  }
  const schemas: Array<[string, AnySchema, boolean]> = [
    ['the environment', envSchema, true],
    ['the config file', configFileSchema, false],
    ["the config file's sms section", smsSectionSchema, false]
  ]
  for (const name of PLUGINS) {
    const plugin = (await import(name) as { default: { configSchema?: AnySchema } }).default
    t.ok(plugin.configSchema, `${name} has a configSchema`)
    schemas.push([name, plugin.configSchema!, true])
  }

  for (const [name, schema, coerceTypes] of schemas) {
    // A copy of the schema is a different object: the first compile writes the file, the second loads it.
    compileSchema(structuredClone(schema), { coerceTypes })
    const before = readdirSync(dir).length
    const cached = compileSchema(structuredClone(schema), { coerceTypes })
    t.equal(readdirSync(dir).length, before, `${name}: loaded from the cache, nothing new written`)
    t.notOk('schema' in cached && cached.schema !== undefined, `${name}: the standalone validator, not Ajv's`)
    const fresh = freshCompile(schema, coerceTypes)
    let good = 0
    let bad = 0
    for (const input of inputs(schema, valid[name] ?? [])) {
      const a = verdict(cached, () => cached.errors, input)
      const b = verdict(fresh, () => fresh.errors, input)
      t.same(a, b, `${name}: ${JSON.stringify(input)}`)
      if (a.valid) good++; else bad++
    }
    t.ok(good > 0 && bad > 0, `${name}: the table has inputs accepted (${good}) and refused (${bad})`)
  }
})

t.test('errorsText reads as Ajv\'s', async (t) => {
  const ajv = new Ajv({ allErrors: true })
  const validate = ajv.compile({ type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } } })
  validate({ a: 'x', b: 1 })
  t.equal(errorsText(validate.errors, { dataVar: 'env' }), ajv.errorsText(validate.errors, { dataVar: 'env' }))
  t.equal(errorsText([]), ajv.errorsText([]))
})

/** Builds the app with every first-party plugin in a child process under the module recorder; the modules it loaded. */
function buildOnce (t: Test, cacheDir: string): { status: number | null, out: string, modules: string[], compiles: string[] } {
  const dir = tempDir(t, 'operator-validators-run-')
  const file = join(dir, 'modules.txt')
  const compiles = join(dir, 'compiles.txt')
  writeFileSync(file, '')
  writeFileSync(compiles, '')
  const script = `const { buildApp } = await import(${JSON.stringify(APP)}); const app = await buildApp({ cwd: ${JSON.stringify(dir)} }); await app.ready(); await app.close(); console.log('started')`
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test', LOG_LEVEL: 'warn', RECORD_MODULES_FILE: file, RECORD_AJV_FILE: compiles, OPERATOR_CACHE_DIR: cacheDir,
    PROMETHEUS_URL: 'http://127.0.0.1:9', DATADOG_API_KEY: 'k', DATADOG_APP_KEY: 'k',
    LOGS_TYPE: 'loki', LOGS_URL: 'http://127.0.0.1:9', DB_TYPE: 'postgres', DB_URL: 'postgres://operator@127.0.0.1:9/app',
    GATEWAY_TYPE: 'kong', GATEWAY_URL: 'http://127.0.0.1:9'
  }
  const r = spawnSync(process.execPath, ['--import', RECORDER, '--import', COMPILES, '--input-type=module', '-e', script], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, out: `${r.stdout}${r.stderr}`, modules: readFileSync(file, 'utf8').split('\n'), compiles: readFileSync(compiles, 'utf8').split('\n').filter((l) => l !== '') }
}

/** Modules core's config code loaded from the validator cache. */
const cachedValidators = (modules: readonly string[], cache: string): string[] => modules.filter((m) => m.startsWith(cache) && m.endsWith('.cjs'))

t.test('a second start with the same cache directory loads no Ajv', async (t) => {
  const cache = tempDir(t, 'operator-validators-warm-')
  const cold = buildOnce(t, cache)
  t.equal(cold.status, 0, cold.out)
  t.equal(cold.compiles.length, SCHEMAS, 'the first start compiles each schema: environment, file, sms section, 7 plugins')
  const files = readdirSync(cache).filter((f) => f.endsWith('.cjs'))
  t.equal(files.length, SCHEMAS, 'and keeps a validator for each')
  t.same(cachedValidators(cold.modules, cache), [], 'none loaded from the cache')
  const warm = buildOnce(t, cache)
  t.equal(warm.status, 0, warm.out)
  t.same(warm.compiles, [], 'the second start compiles no schema')
  t.equal(cachedValidators(warm.modules, cache).length, SCHEMAS, 'it loads each validator from the cache')
})

t.test('warm-validators.js (run by npm ci and the image build) fills the cache, so the first start compiles nothing', async (t) => {
  const cache = tempDir(t, 'operator-validators-prewarmed-')
  const warmer = spawnSync(process.execPath, [WARM], { env: { PATH: process.env.PATH ?? '', OPERATOR_CACHE_DIR: cache }, encoding: 'utf8' })
  t.equal(warmer.status, 0)
  t.equal(warmer.stderr, '', 'nothing to report')
  t.equal(readdirSync(cache).filter((f) => f.endsWith('.cjs')).length, SCHEMAS, 'a validator for each schema')
  const first = buildOnce(t, cache)
  t.equal(first.status, 0, first.out)
  t.same(first.compiles, [], 'the first start compiles no schema')
})

t.test('a cache directory that cannot be written still starts (compiling each time)', async (t) => {
  const dir = tempDir(t, 'operator-validators-ro-')
  // A path under a regular file cannot be made, even by root.
  writeFileSync(join(dir, 'file'), '')
  const cache = join(dir, 'file', 'validators')
  for (const run of [buildOnce(t, cache), buildOnce(t, cache)]) {
    t.equal(run.status, 0, run.out)
    t.match(run.out, /started/)
    t.equal(run.compiles.length, SCHEMAS, 'compiled with Ajv')
  }
})

t.test('a corrupt cache file is passed over and rewritten', async (t) => {
  const cache = tempDir(t, 'operator-validators-corrupt-')
  t.equal(buildOnce(t, cache).status, 0)
  const files = readdirSync(cache).filter((f) => f.endsWith('.cjs'))
  t.ok(files.length > 0)
  for (const f of files) writeFileSync(join(cache, f), f.startsWith('0') || f < '8' ? 'this is { not JavaScript' : 'module.exports = 42\n')
  const corrupt = buildOnce(t, cache)
  t.equal(corrupt.status, 0, corrupt.out)
  t.equal(corrupt.compiles.length, SCHEMAS, 'compiled again')
  for (const f of files) t.match(readFileSync(join(cache, f), 'utf8'), /module\.exports = validate/, `${f} rewritten`)
  t.same(readdirSync(cache).filter((f) => f.endsWith('.tmp')), [], 'no temp file left')
  const warm = buildOnce(t, cache)
  t.equal(warm.status, 0, warm.out)
  t.same(warm.compiles, [], 'the rewritten cache serves the next start')
})
