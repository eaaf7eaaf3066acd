#!/usr/bin/env node
// Fills the validator cache (OPERATOR_CACHE_DIR, else core/.cache/validators) with core's config schemas and every
// installed first-party plugin's configSchema, by building the app once as `operator start` does, so even the first
// start after `npm ci` or an image build loads no Ajv. Nothing connects (plugins connect lazily) and nothing listens.
// It never fails the install: a problem is one line on stderr, and the daemon then compiles at its first start.
const EVERY_FIRST_PARTY_PLUGIN = {
  PROMETHEUS_URL: 'http://127.0.0.1:9',
  DATADOG_API_KEY: 'warm',
  DATADOG_APP_KEY: 'warm',
  LOGS_TYPE: 'elasticsearch',
  LOGS_URL: 'http://127.0.0.1:9',
  DB_URL: 'postgres://warm@127.0.0.1:9/warm',
  GATEWAY_TYPE: 'kong',
  GATEWAY_URL: 'http://127.0.0.1:9'
}

try {
  const { buildApp } = await import('../dist/index.js')
  const app = await buildApp({ env: EVERY_FIRST_PARTY_PLUGIN, config: {}, logger: false })
  await app.close()
} catch (err) {
  process.stderr.write(`warm-validators: not warmed (${String(err?.message ?? err).split('\n')[0]}); the daemon compiles at its first start\n`)
}
