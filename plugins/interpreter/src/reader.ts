import type { CommandInfo, Interpretation } from '@operator/core'
import { findDuration, formatDuration, DURATION_WORDS, type Duration } from './durations.js'
import { collectEntities, compilePatterns, type Entities, type Pattern, type RunPart, type SlotType } from './patterns.js'
import { smallTalk, SMALL_TALK } from './small-talk.js'
import { allowedTypos, typoDistance, Vocabulary } from './typos.js'
import { LIGHT_WORDS, wordsOf, type Word } from './words.js'

/** At or above this a reading runs; below it the text was not understood. */
export const RUN_AT = 0.6
/** Readings this close to the best are offered as a choice instead of guessing. */
export const CLOSE_BY = 0.06
/** A word a `{text}` slot takes weighs this much against the reading: free text is weaker evidence than a phrase. */
const TEXT_WORD_COST = 0.25
/** A light word (`is`, `the`, `show`) the reading leaves unexplained costs this much. */
const LIGHT_EXTRA = 0.1
/** A slot filled by a light word (`up` is a metric) is weaker evidence than one filled by a name. */
const LIGHT_SLOT = 0.5
/** Readings at least this close are offered when none is close enough to run. */
const SUGGEST_AT = RUN_AT / 2
/** A duration in the text that the reading's command does not take. */
const UNUSED_DURATION = 0.95

/** A word of the text after synonyms are read: `postgres` is the system `db`, `error rate` the metric `errors`. */
interface Token {
  readonly text: string
  readonly raw: string
  readonly type: 'system' | 'metric' | undefined
}

/** One way to read a text, with why. */
export interface Candidate {
  readonly line: string
  readonly score: number
  readonly why: string
  /** Every word of meaning in the text is accounted for, and its duration used if it had one. */
  readonly complete: boolean
}

/** What the reader made of a text, with every reading it weighed (best first), for tests and logs. */
export interface Explanation {
  readonly interpretation: Interpretation | undefined
  readonly candidates: readonly Candidate[]
}

export interface ReaderSource {
  readonly commands: readonly CommandInfo[]
  readonly systems: readonly string[]
}

/**
 * The rule-table interpreter: a text's words, spelled out and typo-corrected against the words the phrases use, are
 * scored against every phrase of every command: the share of the phrase's words found, with its slots filled by a
 * known system, a metric or free text, against the words of the text left unexplained. Deterministic: the same text,
 * commands and clock give the same reading.
 */
export class Reader {
  /** Patterns by the words of meaning they use: a text is scored only against patterns sharing one of its words. */
  readonly #byWord = new Map<string, Pattern[]>()
  /** Patterns of no word of meaning (`{metric}`, `{system}`): scored against every text. */
  readonly #bySlots: Pattern[] = []
  readonly #entities: Entities
  readonly #vocabulary: Vocabulary
  readonly #commandWords: ReadonlyMap<string, string>
  readonly #localSeconds: (now: number) => number

  constructor (source: ReaderSource, localSeconds: (now: number) => number) {
    const patterns = compilePatterns(source.commands)
    for (const p of patterns) {
      const keys = new Set(p.literals.filter((l) => !LIGHT_WORDS.has(l.word)).map((l) => l.word))
      if (keys.size === 0) this.#bySlots.push(p)
      for (const k of keys) {
        const list = this.#byWord.get(k) ?? []
        list.push(p)
        this.#byWord.set(k, list)
      }
    }
    this.#entities = collectEntities(source.systems, source.commands.flatMap((c) => c.entities))
    const words = new Set<string>([...LIGHT_WORDS, ...DURATION_WORDS, ...SMALL_TALK])
    for (const p of patterns) for (const l of p.literals) words.add(l.word)
    for (const name of this.#entities.names.keys()) for (const w of name.split(' ')) words.add(w)
    this.#vocabulary = new Vocabulary(words)
    const commandWords = new Map<string, string>()
    for (const c of source.commands) for (const w of [c.name, ...c.aliases]) commandWords.set(w, c.name)
    this.#commandWords = commandWords
    this.#localSeconds = localSeconds
  }

  /** `strict`: only a reading that accounts for every word (the text began with a command that refused it). */
  interpret (text: string, now: number, strict = false): Interpretation | undefined {
    return this.explain(text, now, strict).interpretation
  }

  explain (text: string, now: number, strict = false): Explanation {
    const words = wordsOf(text)
    if (words.length === 0) return { interpretation: undefined, candidates: [] }
    const typed = words.map((w) => w.text)
    for (const w of words) w.text = this.#vocabulary.correct(w.text) ?? w.text
    const talk = smallTalk(words.map((w) => w.text))
    if (talk !== undefined) return { interpretation: { kind: 'reply', text: talk }, candidates: [] }

    const mistyped = this.#mistypedCommand(typed[0]!)
    // One word: `Unknown command 'helth'. Did you mean 'health'?` asks first. With arguments, the typo is clear.
    if (mistyped !== undefined && words.length === 1) return { interpretation: undefined, candidates: [] }
    if (mistyped !== undefined) words[0]!.text = mistyped

    const duration = findDuration(words, this.#localSeconds(now))
    const tokens = this.#tokens(words, duration)
    const candidates = this.#candidates(tokens, duration)
    const interpretation = decide(strict ? candidates.filter((c) => c.complete) : candidates, words.length)
    if (mistyped === undefined || interpretation?.kind === 'run' || interpretation?.kind === 'choose') return { interpretation, candidates }
    // `helth of the db` reads as a phrase; `metircs cpu` is the command with its words as typed.
    const line = [mistyped, ...words.slice(1).map((w) => w.raw)].join(' ')
    const why = `'${typed[0]!}' is a typo of the command '${mistyped}'`
    return { interpretation: { kind: 'run', command: line, why }, candidates: [{ line, score: 1, why, complete: true }, ...candidates] }
  }

  /** The command a mistyped first word means (`helth` → `health`), when it is no word the phrases use. */
  #mistypedCommand (word: string): string | undefined {
    if (this.#vocabulary.has(word)) return undefined
    const max = allowedTypos(word.length)
    let found: string | undefined
    for (const [w, name] of this.#commandWords) {
      if (typoDistance(word, w, max) <= max) {
        if (found !== undefined && found !== name) return undefined
        found = name
      }
    }
    return found
  }

  /** The words left once a duration is taken out, with runs of words that name a system or metric made one token. */
  #tokens (words: readonly Word[], duration: Duration | undefined): Token[] {
    const rest = duration === undefined ? words : [...words.slice(0, duration.start), ...words.slice(duration.end)]
    const tokens: Token[] = []
    for (let i = 0; i < rest.length;) {
      let taken = false
      for (let n = Math.min(this.#entities.longest, rest.length - i); n >= 1 && !taken; n--) {
        const run = rest.slice(i, i + n)
        const named = this.#entities.names.get(run.map((w) => w.text).join(' '))
        if (named === undefined) continue
        tokens.push({ text: named.value, raw: run.map((w) => w.raw).join(' '), type: named.type })
        i += n
        taken = true
      }
      if (!taken) {
        tokens.push({ text: rest[i]!.text, raw: rest[i]!.raw, type: undefined })
        i++
      }
    }
    return tokens
  }

  /** The patterns worth scoring: those sharing a word of meaning with the text, and those made of slots only. */
  #worthScoring (tokens: readonly Token[]): Set<Pattern> {
    const patterns = new Set<Pattern>(this.#bySlots)
    for (const t of tokens) for (const p of this.#byWord.get(t.text) ?? []) patterns.add(p)
    return patterns
  }

  #candidates (tokens: readonly Token[], duration: Duration | undefined): Candidate[] {
    const best = new Map<string, Candidate>()
    for (const pattern of this.#worthScoring(tokens)) {
      const c = this.#score(pattern, tokens, duration)
      if (c === undefined) continue
      const seen = best.get(c.line)
      if (seen === undefined || c.score > seen.score) best.set(c.line, c)
    }
    return [...best.values()].sort((a, b) => b.score - a.score || (a.line < b.line ? -1 : 1))
  }

  #score (pattern: Pattern, tokens: readonly Token[], duration: Duration | undefined): Candidate | undefined {
    const used = new Array<boolean>(tokens.length).fill(false)
    let found = 0
    let wanted = pattern.required
    for (const literal of pattern.literals) {
      const at = tokens.findIndex((t, i) => !used[i] && t.text === literal.word)
      if (at === -1) continue
      used[at] = true
      found += literal.weight
      if (literal.optional) wanted += literal.weight
    }
    const filled: Partial<Record<SlotType, string>> = {}
    let slotsFound = 0
    for (const slot of pattern.slots) {
      if (slot === 'text') {
        slotsFound += 1
        continue
      }
      const values = this.#entities.values[slot]
      const at = tokens.findIndex((t, i) => !used[i] && values.has(t.text))
      if (at === -1) return undefined
      used[at] = true
      filled[slot] = tokens[at]!.text
      slotsFound += LIGHT_WORDS.has(tokens[at]!.raw.toLowerCase()) ? LIGHT_SLOT : 1
    }
    let extra = 0
    let unexplained = 0
    if (pattern.slots.includes('text')) {
      const text = freeText(tokens, used)
      if (text === undefined) return undefined
      filled.text = text.text
      extra += text.words * TEXT_WORD_COST
    }
    for (let i = 0; i < tokens.length; i++) {
      if (used[i]) continue
      const light = LIGHT_WORDS.has(tokens[i]!.text)
      extra += light ? LIGHT_EXTRA : 1
      if (!light) unexplained++
    }
    const slots = pattern.slots.length
    let score = (found + slotsFound) / (wanted + slots + extra)
    if (duration !== undefined && !pattern.takesDuration) score *= UNUSED_DURATION
    // Too far to run or to suggest: not worth rendering or explaining.
    if (score < SUGGEST_AT) return undefined
    const line = render(pattern.template, filled, duration)
    if (line === undefined) return undefined
    const values = Object.entries(filled).map(([k, v]) => `${k}=${v}`).join(', ')
    const complete = unexplained === 0 && (duration === undefined || pattern.takesDuration)
    return { line, score, why: `'${pattern.say}' of ${pattern.command}${values === '' ? '' : ` (${values})`}, ${score.toFixed(2)}`, complete }
  }
}

/** The words a `{text}` slot takes: from the first to the last word no phrase word explained, as typed. */
function freeText (tokens: readonly Token[], used: boolean[]): { text: string; words: number } | undefined {
  let first = -1
  let last = -1
  for (let i = 0; i < tokens.length; i++) {
    if (used[i] || LIGHT_WORDS.has(tokens[i]!.text)) continue
    if (first === -1) first = i
    last = i
  }
  if (first === -1) return undefined
  const raws: string[] = []
  for (let i = first; i <= last; i++) {
    if (used[i]) continue
    used[i] = true
    // `500s` in a search means the status 500.
    raws.push(tokens[i]!.raw.replace(/^(\d{3})s$/u, '$1'))
  }
  return { text: raws.join(' '), words: raws.length }
}

/** The run template with its slots filled; a `[...]` part only when its slots are; undefined when one is missing. */
function render (template: readonly RunPart[], filled: Partial<Record<SlotType, string>>, duration: Duration | undefined): string | undefined {
  return renderParts(template, filled, duration)?.replace(/\s+/gu, ' ').trim()
}

function renderParts (template: readonly RunPart[], filled: Partial<Record<SlotType, string>>, duration: Duration | undefined): string | undefined {
  const value = (slot: string): string | undefined =>
    slot === 'duration' ? (duration === undefined ? undefined : formatDuration(duration.seconds)) : filled[slot as SlotType]
  let line = ''
  for (const part of template) {
    if (part.kind === 'text') {
      line += part.text
    } else if (part.kind === 'slot') {
      const v = value(part.slot)
      if (v === undefined) return undefined
      line += v
    } else {
      const optional = renderParts(part.parts, filled, duration)
      if (optional !== undefined) line += optional
    }
  }
  return line
}

/** The best reading if it is clear; the close ones as a choice; else what comes nearest. */
function decide (candidates: readonly Candidate[], words: number): Interpretation | undefined {
  const best = candidates[0]
  if (best === undefined || best.score < RUN_AT) {
    // A single unknown word gets the usual `Unknown command` answer, with its own suggestion.
    if (words === 1) return undefined
    return { kind: 'unclear', closest: candidates.slice(0, 2).map((c) => c.line) }
  }
  const close = candidates.filter((c) => c.score >= RUN_AT && c.score >= best.score - CLOSE_BY).slice(0, 3)
  if (close.length > 1) return { kind: 'choose', commands: close.map((c) => c.line), why: close.map((c) => c.why).join('; ') }
  return { kind: 'run', command: best.line, why: best.why }
}
