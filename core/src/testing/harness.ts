import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.js'
import { FIRST_PARTY } from '../config/first-party.js'
import type { OperatorPlugin, Role, Channel, SystemReport } from '../plugins/contract.js'
import { checkPluginSchema } from '../plugins/plugin-config.js'
import type { DispatchResult } from '../dispatch/dispatcher.js'

export interface TestOperatorOptions {
  /** The plugins under test, with their config (validated as at start-up). */
  readonly plugins?: ReadonlyArray<{ readonly plugin: OperatorPlugin<object>; readonly config?: Readonly<Record<string, unknown>> }>
  /** The environment the daemon sees (nothing from process.env leaks in). */
  readonly env?: Readonly<Record<string, string>>
  /** Config file contents; default: only the built-in commands, every other first-party plugin disabled. */
  readonly config?: unknown
  /** Load commands-builtin (help, status, health, more); default true. */
  readonly builtins?: boolean
  readonly cwd?: string
  /** The daemon's clock for the interpreter (`since 2pm`). */
  readonly now?: () => number
}

export interface ExecOptions {
  readonly role?: Role
  readonly id?: string
  readonly channel?: Channel
}

export interface TestOperator {
  readonly app: FastifyInstance
  /** Runs one command as a sender would and returns the reply text (the first page). */
  exec(text: string, options?: ExecOptions): Promise<string>
  /** The same, with the outcome, page count, command and error code. */
  dispatch(text: string, options?: ExecOptions): Promise<DispatchResult>
  /**
   * One system's status line as `<system> <ok|DEGRADED|DOWN> <text>` (its health check's summary where it has no
   * status line): what to assert on, since `status` itself lists only the systems that are not ok.
   */
  statusLine(system: string): Promise<string | undefined>
  /**
   * Runs the health checks of one system (all when undefined) as `health` does, each under its own deadline: for a
   * plugin tested without the built-in commands (`builtins: false`), where there is no `health` to type.
   */
  health(system?: string): Promise<readonly SystemReport[]>
  close(): Promise<void>
}

/**
 * The plugin author's test harness (like Hubot's test helper): a daemon with the given plugins, no network listener,
 * and `exec(text) → reply`.
 */
export async function createTestOperator (options: TestOperatorOptions = {}): Promise<TestOperator> {
  // Only the plugins under test (and the built-ins): a first-party plugin is not enabled behind the test's back
  // because its environment variable is set for the plugin given inline.
  const config = options.config ?? {
    plugins: FIRST_PARTY
      .filter((p) => !p.byDefault || options.builtins === false)
      .map((p) => ({ package: p.short, enabled: false }))
  }
  // The daemon does not check schemas against the meta-schema at start-up; a plugin's tests do, so its author learns
  // of a broken configSchema here.
  for (const { plugin } of options.plugins ?? []) checkPluginSchema(plugin)
  const app = await buildApp({
    env: { COMMAND_DEADLINE_MS: '5000', HEALTH_DEADLINE_MS: '2000', ...options.env },
    config,
    plugins: options.plugins ?? [],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.now !== undefined ? { now: options.now } : {})
  })
  await app.ready()
  const dispatch = async (text: string, o: ExecOptions = {}): Promise<DispatchResult> =>
    await app.operator.dispatcher.dispatch(text, { id: o.id ?? 'test', role: o.role ?? 'admin', channel: o.channel ?? 'console' })
  const words = { ok: 'ok', degraded: 'DEGRADED', down: 'DOWN' } as const
  return {
    app,
    dispatch,
    exec: async (text, o) => (await dispatch(text, o)).reply,
    statusLine: async (system) => {
      const report = (await app.operator.host.status(AbortSignal.timeout(30_000))).find((r) => r.system === system)
      return report === undefined ? undefined : `${system} ${words[report.status]} ${report.summary}`.trimEnd()
    },
    health: async (system) => await app.operator.host.health(system === undefined ? undefined : [system], new AbortController().signal),
    close: async () => { await app.close() }
  }
}
