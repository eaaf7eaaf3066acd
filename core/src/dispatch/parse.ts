export interface ParsedCommand {
  /** The first word as typed (matched case-insensitively). */
  readonly word: string
  readonly argv: readonly string[]
}

/** Splits a message into a command word and arguments; any run of whitespace separates words. */
export function parseCommandText (text: string): ParsedCommand | undefined {
  const words = text.trim().split(/\s+/u).filter((w) => w !== '')
  if (words.length === 0) return undefined
  return { word: words[0]!, argv: words.slice(1) }
}
