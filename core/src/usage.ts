import { ERR_COMMAND_USAGE } from './errors.js'

/** Throw from a command's run() for bad arguments: the message reaches the person as it is (one line). */
export function usageError (message: string): Error {
  return new ERR_COMMAND_USAGE(message)
}
