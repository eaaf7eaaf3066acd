// pino-roll ships no types: the part of its options Operator uses. It resolves to a sonic-boom destination.
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino'
  interface PinoRollOptions {
    file: string
    size?: string | number
    frequency?: 'daily' | 'hourly' | number
    dateFormat?: string
    extension?: string
    symlink?: boolean
    limit?: { count?: number, removeOtherLogFiles?: boolean }
    mkdir?: boolean
    sync?: boolean
    maxLength?: number
  }
  export default function pinoRoll (options: PinoRollOptions): Promise<DestinationStream>
}
