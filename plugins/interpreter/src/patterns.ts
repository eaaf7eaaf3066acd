import type { CommandInfo, EntityVocabulary } from '@operator/core'
import { LIGHT_WORDS, wordsOf } from './words.js'

/** The slot types a phrase's `say` can hold; `{duration}` is read from anywhere in a text, so it is not one. */
export type SlotType = 'system' | 'metric' | 'text'
const SLOT_TYPES: readonly SlotType[] = ['system', 'metric', 'text']

export interface Literal {
  readonly word: string
  /** 1 for a word that carries meaning, less for a light one (`is`, `the`, `any`). */
  readonly weight: number
  /** Written `word?`: counts when present, costs nothing when absent. */
  readonly optional: boolean
}

/** One `say` of one phrase, ready to score texts against. */
export interface Pattern {
  /** The command the phrase belongs to. */
  readonly command: string
  /** As the plugin wrote it, for explanations. */
  readonly say: string
  readonly literals: readonly Literal[]
  readonly slots: readonly SlotType[]
  /** The command line with slots: `health {system}`, `metrics {metric}[ over {duration}]`. */
  readonly run: string
  /** `run`, parsed once. */
  readonly template: readonly RunPart[]
  readonly takesDuration: boolean
  /** The weight of the literals that must be there. */
  readonly required: number
}

/** A piece of a run template: words as they are, a slot, or a `[...]` part kept only when its slots are filled. */
export type RunPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'slot'; readonly slot: string }
  | { readonly kind: 'optional'; readonly parts: readonly RunPart[] }

function parseRun (run: string): RunPart[] {
  const parts: RunPart[] = []
  for (const m of run.matchAll(/\[([^\]]*)\]|\{(\w+)\}|[^[{]+|[[{]/gu)) {
    if (m[1] !== undefined) parts.push({ kind: 'optional', parts: parseRun(m[1]) })
    else if (m[2] !== undefined) parts.push({ kind: 'slot', slot: m[2] })
    else parts.push({ kind: 'text', text: m[0] })
  }
  return parts
}

export const LIGHT_WEIGHT = 0.3

function compileSay (command: string, say: string, run: string): Pattern | undefined {
  const literals: Literal[] = []
  const slots: SlotType[] = []
  for (const token of say.toLowerCase().split(/\s+/u)) {
    const slot = /^\{(\w+)\}$/.exec(token)
    if (slot !== null) {
      const type = slot[1] as SlotType
      // A slot type this reader does not know (or `{duration}`, read anywhere) cannot be matched here.
      if (!SLOT_TYPES.includes(type)) return undefined
      slots.push(type)
      continue
    }
    const optional = token.endsWith('?')
    for (const w of wordsOf(optional ? token.slice(0, -1) : token)) {
      literals.push({ word: w.text, weight: LIGHT_WORDS.has(w.text) ? LIGHT_WEIGHT : 1, optional })
    }
  }
  if (literals.length === 0 && slots.length === 0) return undefined
  const required = literals.reduce((sum, l) => sum + (l.optional ? 0 : l.weight), 0)
  return { command, say, literals, slots, run, template: parseRun(run), takesDuration: run.includes('{duration}'), required }
}

/** Every `say` of every command's phrases. */
export function compilePatterns (commands: readonly CommandInfo[]): Pattern[] {
  const patterns: Pattern[] = []
  for (const c of commands) {
    for (const phrase of c.phrases) {
      for (const say of phrase.say) {
        const p = compileSay(c.name, say, phrase.run)
        if (p !== undefined) patterns.push(p)
      }
    }
  }
  return patterns
}

/** Values per slot type, each with the words that name it (its own name first). */
export interface Entities {
  /** A word or run of words (joined by spaces) → the type and value it names. */
  readonly names: ReadonlyMap<string, { readonly type: 'system' | 'metric'; readonly value: string }>
  readonly values: { readonly system: ReadonlySet<string>; readonly metric: ReadonlySet<string> }
  /** The longest name, in words. */
  readonly longest: number
}

/** The registered systems by their own names, and the values and synonyms commands teach. Systems win clashes. */
export function collectEntities (systems: readonly string[], vocabularies: readonly EntityVocabulary[]): Entities {
  const names = new Map<string, { type: 'system' | 'metric'; value: string }>()
  const values = { system: new Set<string>(systems), metric: new Set<string>() }
  const add = (name: string, type: 'system' | 'metric', value: string): void => {
    const key = wordsOf(name).map((w) => w.text).join(' ')
    if (key !== '' && !names.has(key)) names.set(key, { type, value })
  }
  for (const s of systems) add(s, 'system', s)
  for (const type of ['system', 'metric'] as const) {
    for (const vocabulary of vocabularies) {
      for (const [value, synonyms] of Object.entries(vocabulary[type] ?? {})) {
        const v = value.toLowerCase()
        // Only a registered system is one `health` can check: synonyms of any other are left out.
        if (type === 'system' && !values.system.has(v)) continue
        values[type].add(v)
        add(v, type, v)
        for (const s of synonyms) add(s, type, v)
      }
    }
  }
  let longest = 1
  for (const key of names.keys()) longest = Math.max(longest, key.split(' ').length)
  return { names, values, longest }
}
