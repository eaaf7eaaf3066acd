import { ERR_STORE_CURSOR } from '../errors.js'

/** A page's position: the (time, id) of its last row. Opaque to callers, so the key can change without breaking them. */
export interface Position {
  readonly time: number
  readonly id: number
}

export function encodeCursor (position: Position): string {
  return Buffer.from(`${position.time}.${position.id}`, 'utf8').toString('base64url')
}

export function decodeCursor (cursor: string): Position {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (match === null) throw new ERR_STORE_CURSOR()
  const time = Number(match[1])
  const id = Number(match[2])
  if (!Number.isSafeInteger(time) || !Number.isSafeInteger(id)) throw new ERR_STORE_CURSOR()
  return { time, id }
}
