/**
 * The base of the errors plugins raise: a stable code (`OPR_ERR_<PLUGIN>_<WHAT>`) and a message that is one plain
 * line a person can act on (it may reach a phone: no secrets, no URLs with credentials). Dispatch and the health
 * runner read only `code` and `message`; compare codes, not classes.
 */
export class OperatorError<C extends string = string> extends Error {
  readonly code: C

  constructor (code: C, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}
