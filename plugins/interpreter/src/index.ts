import { definePlugin, type JsonSchema } from '@operator/core'
import { isTimeZone, localSecondsIn } from './clock.js'
import { Reader } from './reader.js'

export { Reader, RUN_AT, CLOSE_BY, type Candidate, type Explanation, type ReaderSource } from './reader.js'
export { localSecondsIn } from './clock.js'

export interface InterpreterConfig {
  readonly timeZone: string
}

const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    timeZone: { type: 'string', minLength: 1, default: 'UTC', description: 'IANA zone `since 2pm` is read in' }
  }
}

/**
 * Plain English for texts that are not commands, offline and deterministic: `is the db ok?` runs `health db` and the
 * reply starts `> health db`. What it understands comes from the commands' phrases, so a plugin teaches it its own.
 */
export default definePlugin<InterpreterConfig>({
  name: 'interpreter',
  version: '0.1.0',
  description: 'Reads plain-English texts (is the db ok?) as commands and shows the command it ran',
  configSchema,
  env: { INTERPRETER_TIME_ZONE: 'timeZone' },
  register (op, config) {
    if (!isTimeZone(config.timeZone)) throw new TypeError(`timeZone '${config.timeZone}' is not a known IANA time zone (e.g. UTC, Europe/Berlin)`)
    const localSeconds = localSecondsIn(config.timeZone)
    // Built on the first text, once every plugin has registered its commands (the registry is frozen by then).
    let reader: Reader | undefined
    op.interpreter({
      interpret (request) {
        reader ??= new Reader({ commands: op.host.commands(), systems: op.host.systems() }, localSeconds)
        return reader.interpret(request.text, request.now, request.strict)
      }
    })
  }
})
