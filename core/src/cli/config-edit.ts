import { readFileSync, writeFileSync } from 'node:fs'
import jsonc from 'jsonc-parser'
import { ERR_CONFIG_FILE } from '../errors.js'
import { parseConfig } from '../config/file.js'

// jsonc-parser edits the text itself: every byte outside the changed entry (key order, indentation, spacing, a final
// newline) stays as the person wrote it, which JSON.parse and JSON.stringify would lose.
const { applyEdits, modify, parse } = jsonc

/** One `plugins` entry as written: a bare name or an object. */
export type RawPluginEntry = string | { readonly package: string; readonly enabled?: boolean; readonly config?: unknown }

export interface ConfigText {
  readonly path: string
  /** The file's text; '' when it does not exist yet. */
  text: string
}

/** The indentation the file already uses (two spaces when it has none yet). */
function formatting (text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  '
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' }
}

/** Reads the config file for editing; a missing file is an empty one (created on the first write). */
export function readConfigText (path: string): ConfigText {
  let text = ''
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw new ERR_CONFIG_FILE(path, String((err as { code?: string }).code))
  }
  // The same validation the daemon applies: an edit never starts from (or leaves) a file the daemon would refuse.
  if (text !== '') {
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (err) {
      throw new ERR_CONFIG_FILE(path, `not valid JSON (${(err as Error).message})`)
    }
    parseConfig(raw, path, '.')
  }
  return { path, text }
}

/** The `plugins` array as written. */
export function pluginEntries (config: ConfigText): RawPluginEntry[] {
  if (config.text === '') return []
  return ((parse(config.text) as { plugins?: RawPluginEntry[] }).plugins ?? [])
}

export function entryPackage (entry: RawPluginEntry): string {
  return typeof entry === 'string' ? entry : entry.package
}

function edit (config: ConfigText, path: Array<string | number>, value: unknown, isArrayInsertion = false): void {
  const base = config.text === '' ? '{}\n' : config.text
  config.text = applyEdits(base, modify(base, path, value, { formattingOptions: formatting(base), isArrayInsertion }))
}

/** Appends `{ "package": name, "enabled": enabled }` to `plugins` (creating the array, or the file, as needed). */
export function appendPlugin (config: ConfigText, name: string, enabled: boolean): void {
  if (config.text === '' || (parse(config.text) as { plugins?: unknown }).plugins === undefined) {
    edit(config, ['plugins'], [{ package: name, enabled }])
  } else {
    edit(config, ['plugins', -1], { package: name, enabled }, true)
  }
}

/** Sets `enabled` on entry `index`; a bare name becomes an object entry. */
export function setEnabled (config: ConfigText, index: number, enabled: boolean): void {
  const entry = pluginEntries(config)[index]!
  if (typeof entry === 'string') edit(config, ['plugins', index], { package: entry, enabled })
  else edit(config, ['plugins', index, 'enabled'], enabled)
}

export function removePlugin (config: ConfigText, index: number): void {
  edit(config, ['plugins', index], undefined)
}

export function writeConfigText (config: ConfigText): void {
  writeFileSync(config.path, config.text)
}
