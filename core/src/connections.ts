import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

const CURRENT = Symbol('operator.currentResponse')
type TrackedSocket = Socket & { [CURRENT]?: ServerResponse }

/**
 * The server's open connections, so that a shutdown closes at once those that owe nobody an answer. Node's
 * `server.close()` closes only idle keep-alive sockets and stops checking request timeouts, so a client that sent
 * headers and part of a body, then nothing, would hold the daemon open until the grace period ran out; and a
 * keep-alive socket answered after the close would linger for the keep-alive timeout.
 */
export class ConnectionTracker {
  readonly #sockets = new Set<TrackedSocket>()

  attach (server: Server): void {
    server.on('connection', this.#onConnection)
    server.on('request', this.#onRequest)
  }

  readonly #onConnection = (socket: TrackedSocket): void => {
    this.#sockets.add(socket)
    socket.once('close', () => { this.#sockets.delete(socket) })
  }

  readonly #onRequest = (_req: IncomingMessage, res: ServerResponse): void => {
    const socket = res.socket as TrackedSocket | null
    if (socket !== null) socket[CURRENT] = res
  }

  /**
   * For shutdown: destroys every connection except those whose request arrived whole and is still being answered
   * (idle keep-alive, headers or a body still coming, nothing sent at all); those get `Connection: close`, so their
   * socket closes once the answer is out. Returns how many were destroyed.
   */
  closeAllButAnswering (): number {
    let closed = 0
    for (const socket of this.#sockets) {
      const res = socket[CURRENT]
      if (res !== undefined && !res.writableEnded && res.req.complete) {
        if (!res.headersSent) res.setHeader('connection', 'close')
        else res.once('finish', () => { socket.destroySoon() })
        continue
      }
      socket.destroy()
      closed++
    }
    return closed
  }
}
