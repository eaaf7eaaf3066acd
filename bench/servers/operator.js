// Operator's daemon as built by core (buildApp from core/dist), listening on an ephemeral loopback port; logger off.
import { buildApp } from '../../core/dist/app.js'
import { operatorEnv } from '../operator-env.js'
import { ROOT, serveBench } from '../lib.js'

const app = await buildApp({ env: operatorEnv(), cwd: ROOT, config: { plugins: [] }, logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
serveBench(app.server.address().port, () => app.close())
